<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="he" sourcelanguage="en">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../app/collab_console/gui/about_dialog.py" line="+35" />
        <source>licence not stated</source>
        <extracomment>The console's own distribution, whose runtime requirements are walked. Said for a licence that no metadata field states.</extracomment>
        <translation>הרישיון אינו מצוין</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Used under the GNU Lesser General Public License, version 3 (LGPLv3)</source>
        <extracomment>"name[extra,…] &gt;=1.0 ; marker": the requirement's name, its extras, its marker. A License field longer than this is a licence's whole text, not its name. How Qt and PySide6 are licensed, said before the licence's address (":") or alone (".").</extracomment>
        <translation>בשימוש לפי GNU Lesser General Public License, גרסה 3 (LGPLv3)</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Source code: {url}</source>
        <extracomment>Where a library's source code is; ``{url}`` stays as it is.</extracomment>
        <translation>קוד מקור: {url}</translation>
    </message>
    <message>
        <location line="+105" />
        <source>You may replace Qt and PySide6 in this installation with versions of your own that keep their interfaces.</source>
        <translation>מותר להחליף את Qt ואת PySide6 בהתקנה הזו בגרסאות משלכם השומרות על הממשקים שלהן.</translation>
    </message>
    <message>
        <location line="+9" />
        <source>This installation keeps no record of the other libraries it ships with.</source>
        <translation>ההתקנה הזו אינה שומרת רישום של שאר הספריות שמגיעות איתה.</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Libraries shipped with Collab Console, with their licences:</source>
        <translation>ספריות שמגיעות עם Collab Console, עם הרישיונות שלהן:</translation>
    </message>
    <message>
        <location line="+13" />
        <source>Licence: not recorded in this installation.</source>
        <translation>רישיון: לא נרשם בהתקנה הזו.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Licence: {licence}.</source>
        <translation>רישיון: {licence}.</translation>
    </message>
    <message>
        <location line="+16" />
        <source>About Collab Console</source>
        <translation>אודות Collab Console</translation>
    </message>
    <message>
        <location line="+12" />
        <source>Version {version}</source>
        <translation>גרסה {version}</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Licence notices</source>
        <translation>הודעות רישוי</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Close</source>
        <translation>סגירה</translation>
    </message>
</context>
<context>
    <name>AboutForm</name>
    <message>
        <location filename="../../ui_forms/about.ui" line="+26" />
        <source>The agent console for live collaboration sessions: copy session details safely.</source>
        <translation>מסוף הנציגים לסשנים של שיתוף פעולה חי: העתקה בטוחה של פרטי הסשן.</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Licence &amp;notices</source>
        <translation>הודעות &amp;רישוי</translation>
    </message>
</context>
<context>
    <name>AddParticipantDialog</name>
    <message>
        <location filename="../../app/collab_console/gui/add_participant_dialog.py" line="+32" />
        <source>Add participant</source>
        <translation>הוספת משתתף</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Adding…</source>
        <translation>מוסיף…</translation>
    </message>
    <message>
        <location line="+44" />
        <source>Name</source>
        <translation>שם</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Phone or e-mail</source>
        <translation>טלפון או דוא״ל</translation>
    </message>
    <message>
        <location line="+13" />
        <source>Cancel</source>
        <translation>ביטול</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Add participant to session {session_id}</source>
        <extracomment>What the store refused last, shown until the fields change.</extracomment>
        <translation>הוספת משתתף לסשן {session_id}</translation>
    </message>
    <message>
        <location line="+35" />
        <source>{name} is already in this session</source>
        <translation>{name} כבר נמצא בסשן הזה</translation>
    </message>
    <message>
        <location line="+53" />
        <source>Participant not added</source>
        <translation>המשתתף לא נוסף</translation>
    </message>
</context>
<context>
    <name>AddParticipantForm</name>
    <message>
        <location filename="../../ui_forms/add_participant.ui" line="+15" />
        <source>An invitation with a link of their own is sent to them.</source>
        <translation>תישלח אליו הזמנה עם קישור אישי משלו.</translation>
    </message>
    <message>
        <location line="+7" />
        <source>&amp;Name</source>
        <translation>&amp;שם</translation>
    </message>
    <message>
        <location line="+11" />
        <source>&amp;Phone or e-mail</source>
        <translation>&amp;טלפון או דוא״ל</translation>
    </message>
    <message>
        <location line="+6" />
        <source>+44 20 7946 0958 or name@example.com</source>
        <translation>⁦+44 20 7946 0958⁩ או ⁦name@example.com⁩</translation>
    </message>
</context>
<context>
    <name>Appearance</name>
    <message>
        <location filename="../../app/collab_console/gui/appearance.py" line="+59" />
        <source>System</source>
        <extracomment>Room left for a window manager's title bar and borders before the window is shown, when the real frame is not known yet. The names of the choices as Preferences shows them (translated where shown).</extracomment>
        <translation>מערכת</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Light</source>
        <translation>בהיר</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Dark</source>
        <translation>כהה</translation>
    </message>
</context>
<context>
    <name>AuditLog</name>
    <message>
        <location filename="../../app/collab_console/gui/audit_log.py" line="+80" />
        <source>Time</source>
        <extracomment>Entries asked for at a time: a screenful several times over, read in a few ms. Entries of the chain checked per store call (about 80 ms on the worker): what any other store call waits at most behind the check. The table follows the filters once typing pauses this long. The columns, in order.</extracomment>
        <translation>זמן</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Kind</source>
        <translation>סוג</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Person</source>
        <translation>אדם</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Session</source>
        <translation>סשן</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Participant</source>
        <translation>משתתף</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Detail</source>
        <translation>פרטים</translation>
    </message>
    <message>
        <location line="+11" />
        <source>All kinds</source>
        <extracomment>What each column but the last is sized for (the last, Detail, takes the rest). The first item of the kind filter.</extracomment>
        <translation>כל הסוגים</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Reading the audit trail…</source>
        <translation>קורא את יומן הביקורת…</translation>
    </message>
    <message>
        <location line="+3" />
        <source>agent</source>
        <extracomment>How the people's roles read after their names.</extracomment>
        <translation>נציג</translation>
    </message>
    <message>
        <location line="+1" />
        <source>admin</source>
        <translation>מנהל מערכת</translation>
    </message>
    <message>
        <location line="+1" />
        <source>demo data</source>
        <translation>נתוני הדגמה</translation>
    </message>
    <message>
        <location line="+1" />
        <source>outside the app</source>
        <translation>מחוץ ליישום</translation>
    </message>
    <message>
        <location line="+1" />
        <source>role not recorded</source>
        <translation>התפקיד לא נרשם</translation>
    </message>
    <message>
        <location line="+1" />
        <source>visitor (join service)</source>
        <translation>מבקר (שירות ההצטרפות)</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Unlocked</source>
        <translation>הנעילה בוטלה</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Wrong name or passphrase</source>
        <translation>שם או ביטוי סיסמה שגויים</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Refused: too soon after failed attempts</source>
        <translation>נדחה: מוקדם מדי אחרי ניסיונות כושלים</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Warning: {message}. See Preferences › Audit log.</source>
        <extracomment>The status bar's one-time warning to an admin who unlocked a console on an altered trail.</extracomment>
        <translation>אזהרה: {message}. ראו העדפות › יומן ביקורת.</translation>
    </message>
    <message>
        <location line="+18" />
        <source>{name} ({role})</source>
        <translation>{name} ({role})</translation>
    </message>
    <message>
        <location line="+26" />
        <source>reason: {reason}</source>
        <translation>סיבה: {reason}</translation>
    </message>
    <message>
        <location line="+11" />
        <source>{result} as {name}</source>
        <translation>{result} בתור {name}</translation>
    </message>
    <message>
        <location line="+9" />
        <source>with {name} as {access} (was {previous})</source>
        <translation>עם {name} בתור {access} (קודם: {previous})</translation>
    </message>
    <message>
        <location line="+3" />
        <source>with {name} as {access}</source>
        <translation>עם {name} בתור {access}</translation>
    </message>
    <message>
        <location line="+4" />
        <source>from {name} ({access})</source>
        <translation>מ־{name} ({access})</translation>
    </message>
    <message>
        <location line="+13" />
        <source>no phone or e-mail: not invited</source>
        <extracomment>A participant added with no phone or e-mail (so not invited).</extracomment>
        <translation>אין טלפון או דוא״ל: לא הוזמן</translation>
    </message>
    <message>
        <location line="+3" />
        <source>by SMS</source>
        <extracomment>How an invitation went out (``new_value`` of ``invitation_sent``).</extracomment>
        <translation>ב־SMS</translation>
    </message>
    <message>
        <location line="+1" />
        <source>by e-mail</source>
        <translation>בדוא״ל</translation>
    </message>
    <message>
        <location line="+4" />
        <source>first invite</source>
        <extracomment>Which invitation was queued (``new_value`` of ``invitation_queued``).</extracomment>
        <translation>הזמנה ראשונה</translation>
    </message>
    <message>
        <location line="+1" />
        <source>resend</source>
        <translation>שליחה חוזרת</translation>
    </message>
    <message>
        <location line="+4" />
        <source>will be tried again</source>
        <extracomment>What became of a failed try (``result`` of ``invitation_failed``).</extracomment>
        <translation>ינוסה שוב</translation>
    </message>
    <message>
        <location line="+1" />
        <source>failed for good</source>
        <translation>נכשלה סופית</translation>
    </message>
    <message>
        <location line="+15" />
        <source>to {contact}</source>
        <translation>אל {contact}</translation>
    </message>
    <message>
        <location line="+50" />
        <source>Entry #{number}, recorded {when} UTC</source>
        <translation>רשומה מס׳ {number}, נרשמה ב־{when} UTC</translation>
    </message>
    <message>
        <location line="+176" />
        <location line="+10" />
        <location line="+5" />
        <source>{count} entries</source>
        <extracomment>The local date of the oldest entry in the whole trail, when it was asked for. The local date of the oldest entry of the trail, once read. How many entries the query selects, once counted. The entry where the chain breaks, shown in ``broken_colour``.</extracomment>
        <translation>{count} רשומות</translation>
    </message>
    <message>
        <location line="-9" />
        <source>No entries.</source>
        <translation>אין רשומות.</translation>
    </message>
    <message>
        <location line="+1" />
        <source>No entries match.</source>
        <translation>אין רשומות מתאימות.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>1 entry</source>
        <translation>רשומה אחת</translation>
    </message>
    <message>
        <location line="+9" />
        <source>More than {count} entries</source>
        <translation>יותר מ־{count} רשומות</translation>
    </message>
    <message>
        <location line="+89" />
        <source>Warning</source>
        <extracomment>Whether the last check of the chain has finished: its end reached, a break found, or the store failed (False before the first). The number of the last entry the check in progress found matching.</extracomment>
        <translation>אזהרה</translation>
    </message>
    <message>
        <location line="+158" />
        <source>The audit trail could not be read: {reason}</source>
        <translation>לא ניתן היה לקרוא את יומן הביקורת: {reason}</translation>
    </message>
    <message>
        <location line="+15" />
        <source>{message}. The entries before #{number} still match their hashes; this one and those after it may have been changed, removed or slipped in.</source>
        <translation>{message}. הרשומות שלפני מס׳ {number} עדיין תואמות את הגיבובים שלהן; ייתכן שהרשומה הזו והרשומות שאחריה שונו, הוסרו או הוכנסו בחשאי.</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Warning: the audit trail was altered</source>
        <translation>אזהרה: יומן הביקורת שונה</translation>
    </message>
</context>
<context>
    <name>ConsoleApp</name>
    <message>
        <location filename="../../app/collab_console/gui/app.py" line="+70" />
        <source>Collab Console cannot start</source>
        <extracomment>``typing.TYPE_CHECKING`` without importing ``typing``.</extracomment>
        <translation>לא ניתן להפעיל את Collab Console</translation>
    </message>
    <message>
        <location line="+24" />
        <source>Cannot write the log file ({reason}); the console works on.</source>
        <translation>לא ניתן לכתוב את קובץ היומן ({reason}); המסוף ממשיך לעבוד.</translation>
    </message>
    <message>
        <location line="+27" />
        <source>Invitations cannot be sent: {reason}.</source>
        <translation>לא ניתן לשלוח הזמנות: {reason}.</translation>
    </message>
</context>
<context>
    <name>ConsoleView</name>
    <message>
        <location filename="../../ui_forms/console.ui" line="+23" />
        <location line="+2" />
        <source>Filter sessions and participants</source>
        <translation>סינון סשנים ומשתתפים</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Type part of a name, Session ID, phone number or e-mail address (Ctrl+F). Esc clears it.</source>
        <translation>הקלידו חלק משם, מזהה סשן, מספר טלפון או כתובת דוא״ל (Ctrl+F). המקש Esc מנקה את השדה.</translation>
    </message>
    <message>
        <location line="+5" />
        <location line="+9" />
        <source>My sessions</source>
        <translation>הסשנים שלי</translation>
    </message>
    <message>
        <location line="+5" />
        <location line="+1" />
        <source>New session…</source>
        <translation>סשן חדש…</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Select a session, or start a new one.</source>
        <translation>בחרו סשן, או התחילו סשן חדש.</translation>
    </message>
    <message>
        <location line="+66" />
        <location line="+1" />
        <source>Links…</source>
        <translation>קישורים…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Every link of this session: who has one, which still work; revoke or regenerate them (Ctrl+L).</source>
        <translation>כל הקישורים של הסשן: למי יש קישור ואילו עדיין פעילים; ביטול או יצירה מחדש (Ctrl+L).</translation>
    </message>
    <message>
        <location line="+5" />
        <location line="+1" />
        <source>End session</source>
        <translation>סיום סשן</translation>
    </message>
    <message>
        <location line="+12" />
        <source>Point at the customer icon or a participant for copy options.</source>
        <translation>הצביעו על סמל הלקוח או על משתתף כדי לראות אפשרויות העתקה.</translation>
    </message>
    <message>
        <location line="+20" />
        <source>Nobody is waiting to join.</source>
        <translation>אין ממתינים להצטרפות.</translation>
    </message>
    <message>
        <location line="+5" />
        <location line="+1" />
        <source>Lock lobby</source>
        <translation>נעילת הלובי</translation>
    </message>
    <message>
        <location line="+1" />
        <source>While the lobby is locked, nobody can ask to join this session by its ID (Ctrl+Shift+L).</source>
        <translation>כל עוד הלובי נעול, אי אפשר לבקש להצטרף לסשן לפי המזהה שלו (Ctrl+Shift+L).</translation>
    </message>
    <message>
        <location line="+21" />
        <location line="+6" />
        <source>Document participants</source>
        <translation>משתתפי המסמך</translation>
    </message>
    <message>
        <location line="+8" />
        <source>No other participants in this session.</source>
        <translation>אין משתתפים נוספים בסשן.</translation>
    </message>
    <message>
        <location line="+8" />
        <location line="+1" />
        <source>Add participant…</source>
        <translation>הוספת משתתף…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Add a document participant to this session and send them an invitation.</source>
        <translation>הוספת משתתף מסמך לסשן ושליחת הזמנה אליו.</translation>
    </message>
</context>
<context>
    <name>ConsoleWindow</name>
    <message>
        <location filename="../../app/collab_console/gui/console_window.py" line="+53" />
        <source>End the session with {name}? Everyone in it is disconnected, and its details can no longer be copied.</source>
        <extracomment>How long typing in the filter field must pause before the lists follow (one pass over a 10 000-participant session takes ~0.2 s, so not on every key). Qt.Key.Key_Escape as a number (the Qt namespace costs ~15 ms to build at start-up).</extracomment>
        <translation>לסיים את הסשן עם {name}? כל מי שמחובר אליו ינותק, ואי אפשר יהיה עוד להעתיק את פרטיו.</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Session URL copied — clears in {seconds} s</source>
        <extracomment>The permanent countdown at the right of the status bar while a copied Session URL waits to be cleared from the clipboard (the copy message already said when, once).</extracomment>
        <translation>כתובת הסשן הועתקה — תימחק בעוד {seconds} שנ׳</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Cleared the copied Session URL from the clipboard.</source>
        <translation>כתובת הסשן שהועתקה נמחקה מלוח הגזירים.</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Reconnected to the store; the copy policy is confirmed again.</source>
        <extracomment>Said once when the store can be used again: after a lost connection (the settings were read afresh), or after it could not be read for a while.</extracomment>
        <translation>החיבור למאגר הנתונים חודש; מדיניות ההעתקה אושרה שוב.</translation>
    </message>
    <message>
        <location line="+4" />
        <source>The store is reachable again.</source>
        <translation>מאגר הנתונים זמין שוב.</translation>
    </message>
    <message>
        <location line="+39" />
        <source>Status</source>
        <translation>שורת מצב</translation>
    </message>
    <message>
        <location line="+88" />
        <source>&amp;File</source>
        <translation>&amp;קובץ</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;New session…</source>
        <translation>סשן &amp;חדש…</translation>
    </message>
    <message>
        <location line="+6" />
        <source>&amp;Quit</source>
        <translation>י&amp;ציאה</translation>
    </message>
    <message>
        <location line="+5" />
        <source>S&amp;ession</source>
        <translation>&amp;סשן</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Add participant…</source>
        <translation>&amp;הוספת משתתף…</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Add a document participant to this session and send them an invitation.</source>
        <translation>הוספת משתתף מסמך לסשן ושליחת הזמנה אליו.</translation>
    </message>
    <message>
        <location line="+5" />
        <source>&amp;End session…</source>
        <translation>סי&amp;ום סשן…</translation>
    </message>
    <message>
        <location line="+6" />
        <source>&amp;Links…</source>
        <translation>&amp;קישורים…</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Every link of this session: who has one, which still work; revoke or regenerate them.</source>
        <translation>כל הקישורים של הסשן: למי יש קישור ואילו עדיין פעילים; ביטול או יצירה מחדש.</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Go to the &amp;lobby</source>
        <translation>מעבר ל&amp;לובי</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Focus Admit on the first request to join.</source>
        <translation>מעבר לכפתור האישור של בקשת ההצטרפות הראשונה.</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Loc&amp;k lobby</source>
        <translation>&amp;נעילת הלובי</translation>
    </message>
    <message>
        <location line="+5" />
        <source>While the lobby is locked, nobody can ask to join this session by its ID.</source>
        <translation>כל עוד הלובי נעול, אי אפשר לבקש להצטרף לסשן לפי המזהה שלו.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>&amp;View</source>
        <translation>&amp;תצוגה</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Filter sessions and participants</source>
        <translation>&amp;סינון סשנים ומשתתפים</translation>
    </message>
    <message>
        <location line="+5" />
        <source>&amp;Privacy screen</source>
        <translation>מסך &amp;פרטיות</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Mask customer names, contacts and IDs on screen; copying still works.</source>
        <translation>הסתרת שמות לקוחות, פרטי קשר ומזהים במסך; ההעתקה ממשיכה לעבוד.</translation>
    </message>
    <message>
        <location line="+5" />
        <source>&amp;Settings</source>
        <translation>&amp;הגדרות</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Preferences…</source>
        <translation>ה&amp;עדפות…</translation>
    </message>
    <message>
        <location line="+6" />
        <source>&amp;Help</source>
        <translation>&amp;עזרה</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;About Collab Console</source>
        <translation>&amp;אודות Collab Console</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Open the menu bar</source>
        <translation>פתיחת שורת התפריטים</translation>
    </message>
    <message>
        <location line="+98" />
        <source>Nobody is waiting to join this session.</source>
        <translation>אף אחד לא ממתין להצטרף לסשן הזה.</translation>
    </message>
    <message>
        <location line="+42" />
        <source>Started session {session_id} with {name}; the invitation is queued.</source>
        <translation>התחלת את הסשן {session_id} עם {name}; ההזמנה נכנסה לתור.</translation>
    </message>
    <message>
        <location line="+29" />
        <source>Added {name} to session {session_id}; their invitation is queued.</source>
        <translation>הוספת את {name} לסשן {session_id}; ההזמנה נכנסה לתור.</translation>
    </message>
    <message>
        <location line="+23" />
        <source>Ended session {session_id}.</source>
        <translation>סיימת את הסשן {session_id}.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Could not end the session</source>
        <translation>לא ניתן היה לסיים את הסשן</translation>
    </message>
    <message>
        <location line="+15" />
        <location line="+2" />
        <source>End session</source>
        <translation>סיום סשן</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Keep session</source>
        <translation>השארת הסשן</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Store unavailable: {reason}</source>
        <translation>מאגר הנתונים אינו זמין: {reason}</translation>
    </message>
    <message>
        <location line="+13" />
        <source>The copy policy cannot be confirmed with the store, so Session URLs are withheld until it can. Session IDs can still be copied.</source>
        <translation>לא ניתן לאמת את מדיניות ההעתקה מול מאגר הנתונים, ולכן כתובות הסשן מעוכבות עד שיהיה אפשר. עדיין אפשר להעתיק מזהי סשן.</translation>
    </message>
    <message>
        <location line="+31" />
        <source>Clipboard countdown</source>
        <translation>ספירה לאחור של לוח הגזירים</translation>
    </message>
</context>
<context>
    <name>CopyCard</name>
    <message>
        <location filename="../../ui_forms/copy_card.ui" line="+47" />
        <source>Copy Session ID</source>
        <translation>העתקת מזהה הסשן</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Copy Session URL</source>
        <translation>העתקת כתובת הסשן</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Copy both</source>
        <translation>העתקת שניהם</translation>
    </message>
    <message>
        <location line="+30" />
        <location filename="../../app/collab_console/gui/copy_card.py" line="+72" />
        <source>Resend invite</source>
        <translation>שליחת ההזמנה שוב</translation>
    </message>
    <message>
        <location line="+27" />
        <source>Copying is for invitations that could not be delivered. Lost link? Use Resend invite.</source>
        <translation>ההעתקה מיועדת להזמנות שלא נמסרו. הקישור אבד? השתמשו ב„שליחת ההזמנה שוב”.</translation>
    </message>
    <message>
        <location filename="../../app/collab_console/gui/copy_card.py" line="-1" />
        <source>Copied ✓</source>
        <extracomment>How long the pointer must rest on an anchor before the card appears. How long the card stays after the pointer left both the anchor and the card. How long a button says "Copied ✓". How long a card left with nothing to offer says so before it closes.</extracomment>
        <translation>הועתק ✓</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Resend in {seconds} s</source>
        <extracomment>Resend invite while the person's interval is not over (the store's rate limit).</extracomment>
        <translation>שליחה חוזרת בעוד {seconds} שנ׳</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Queuing…</source>
        <extracomment>Resend invite while the store is asked to queue it.</extracomment>
        <translation>נכנס לתור…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Invite queued ✓</source>
        <extracomment>Resend invite, for a moment, once the store queued it.</extracomment>
        <translation>ההזמנה בתור ✓</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Choose what to copy to the clipboard.</source>
        <extracomment>A card that offers nothing (it says why before it closes). The card's accessible description when it offers copy buttons only: what it is for.</extracomment>
        <translation>בחרו מה להעתיק ללוח הגזירים.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Send the invitation again.</source>
        <extracomment>... when it offers Resend invite only (copying is turned off).</extracomment>
        <translation>שלחו את ההזמנה שוב.</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Send the invitation again, or choose what to copy to the clipboard.</source>
        <extracomment>... when it offers both, in the card's order (the copy buttons first when the invitation failed).</extracomment>
        <translation>שלחו את ההזמנה שוב, או בחרו מה להעתיק ללוח הגזירים.</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Choose what to copy to the clipboard, or send the invitation again.</source>
        <translation>בחרו מה להעתיק ללוח הגזירים, או שלחו את ההזמנה שוב.</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Nothing to copy or resend now.</source>
        <extracomment>... when it offers nothing (it says why before it closes).</extracomment>
        <translation>אין כרגע מה להעתיק או לשלוח שוב.</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Copy session details for {name}</source>
        <extracomment>Room between the card and the text it hangs beside.</extracomment>
        <translation>העתקת פרטי הסשן של {name}</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Resend invite for {name}</source>
        <translation>שליחת ההזמנה שוב אל {name}</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Invitation and session details for {name}</source>
        <translation>ההזמנה ופרטי הסשן של {name}</translation>
    </message>
    <message>
        <location line="+189" />
        <location filename="../../app/collab_console/gui/copy_controller.py" line="+696" />
        <source>Links open {host}</source>
        <extracomment>False while __init__ builds the card: Qt sends palette changes before it is whole. The Session URL base in force: the card shows where links open and a masked link. Resend invite says "Invite queued ✓" until the confirmation's moment is over.</extracomment>
        <translation>הקישורים נפתחים ב־{host}</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Not offered: {reasons}</source>
        <translation>לא מוצע: {reasons}</translation>
    </message>
    <message>
        <location line="+174" />
        <source>A new SMS invite to {contact}</source>
        <translation>הזמנת SMS חדשה אל {contact}</translation>
    </message>
    <message>
        <location line="+2" />
        <source>A new e-mail invite to {contact}</source>
        <translation>הזמנה חדשה בדוא״ל אל {contact}</translation>
    </message>
</context>
<context>
    <name>CopyController</name>
    <message>
        <location filename="../../app/collab_console/gui/copy_controller.py" line="-623" />
        <source>{labels} was turned off by an admin.</source>
        <extracomment>What a copy's store call brings back: the settings and the session as they are now, the link made for it (or why none could be), and the event of a link made. What an open card says when an admin turned off what it offered: one setting ...</extracomment>
        <translation>מנהל מערכת השבית את {labels}.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>{labels} were turned off by an admin.</source>
        <extracomment>... or several ({labels} joined by :data:`AND`).</extracomment>
        <translation>מנהל מערכת השבית את {labels}.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>{first} and {second}</source>
        <extracomment>Two settings' labels in one clause (three: the first two, and the third).</extracomment>
        <translation>{first} ו{second}</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Copying is turned off for this session now.</source>
        <extracomment>What a card left with nothing to offer says before it closes.</extracomment>
        <translation>ההעתקה מושבתת כעת בסשן הזה.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>This session has ended; there is nothing to copy now.</source>
        <translation>הסשן הזה הסתיים; אין כרגע מה להעתיק.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Invite queued for {name}.</source>
        <extracomment>Said once the store queued a resend (the sender sends it in the background).</extracomment>
        <translation>ההזמנה אל {name} נכנסה לתור.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Session URL not copied: no reason was given.</source>
        <extracomment>Said when the agent closed the reason dialog of a Session URL copy without a reason.</extracomment>
        <translation>כתובת הסשן לא הועתקה: לא ניתנה סיבה.</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Session URL not copied: the console shows another session now.</source>
        <extracomment>Said when the console shows another session by the time the reason was given.</extracomment>
        <translation>כתובת הסשן לא הועתקה: המסוף מציג כעת סשן אחר.</translation>
    </message>
    <message>
        <location line="+421" />
        <source>Invite not queued: {reason}</source>
        <extracomment>Links made for a copy whose result has not reached this thread yet: if the console closes first, nobody will ever hold them, so the hub revokes them. When each person's (by own ID) newest invitation was queued, as far as this console knows (monotonic seconds): the wait is counted from it with the interval in force, so an admin's shorter interval (or 0) ends it at once. And those whose resend the store is asked for now.</extracomment>
        <translation>ההזמנה לא נכנסה לתור: {reason}</translation>
    </message>
    <message>
        <location line="+59" />
        <source>The unused link {link_id} could not be revoked: {reason}</source>
        <translation>לא ניתן היה לבטל את הקישור שלא נוצל {link_id}: {reason}</translation>
    </message>
    <message>
        <location line="+37" />
        <source>Copied, but the copy could not be recorded: {reason}</source>
        <translation>הועתק, אך לא ניתן היה לתעד את ההעתקה: {reason}</translation>
    </message>
    <message>
        <location line="+59" />
        <source>The copy settings are still being read; try again in a moment.</source>
        <translation>הגדרות ההעתקה עדיין נקראות; נסו שוב בעוד רגע.</translation>
    </message>
</context>
<context>
    <name>CopyReasonDialog</name>
    <message>
        <location filename="../../app/collab_console/gui/copy_reason_dialog.py" line="+15" />
        <source>{name}'s invitation did not fail. The Session URL is for invitations that could not be delivered; if the link was only lost, use Resend invite instead. Say in a few words why you copy it: the audit trail keeps your reason.</source>
        <extracomment>What the dialog says above the reason; ``{name}`` as the screen may show it.</extracomment>
        <translation>ההזמנה של {name} לא נכשלה. כתובת הסשן מיועדת להזמנות שלא ניתן היה למסור; אם הקישור רק אבד, השתמשו במקום זאת בשליחת ההזמנה שוב. כתבו בכמה מילים למה אתם מעתיקים אותה: יומן הביקורת שומר את הסיבה.</translation>
    </message>
    <message>
        <location line="+24" />
        <source>{what}: why?</source>
        <translation>{what}: למה?</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Reason</source>
        <translation>סיבה</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Cancel</source>
        <translation>ביטול</translation>
    </message>
</context>
<context>
    <name>CopyReasonForm</name>
    <message>
        <location filename="../../ui_forms/copy_reason.ui" line="+22" />
        <source>&amp;Reason</source>
        <translation>&amp;סיבה</translation>
    </message>
    <message>
        <location line="+7" />
        <source>e.g. the customer's phone blocks links in texts</source>
        <translation>למשל, הטלפון של הלקוח חוסם קישורים בהודעות</translation>
    </message>
</context>
<context>
    <name>InvitationSender</name>
    <message>
        <location filename="../../app/collab_console/gui/invitation_sender.py" line="+158" />
        <source>invitations cannot be sent: unexpected failure ({error})</source>
        <extracomment>How often the sender looks for invitations that are due, and for delivery reports. How long quitting waits for a send under way; after that it is abandoned: its claim expires (core.delivery.CLAIM_SECONDS) and the next start sends it. The sender's store connection is opened the way the console's was; this says so. True while this sender's own events are being applied: they wake nobody.</extracomment>
        <translation>לא ניתן לשלוח הזמנות: כשל בלתי צפוי ({error})</translation>
    </message>
    <message>
        <location line="+47" />
        <source>Invitations cannot be sent now: {reason}</source>
        <translation>לא ניתן לשלוח הזמנות כעת: {reason}</translation>
    </message>
</context>
<context>
    <name>LinksDialog</name>
    <message>
        <location filename="../../app/collab_console/gui/links_dialog.py" line="+80" />
        <source>Person</source>
        <extracomment>Qt.ItemDataRole.FontRole as a number (see gui/models.py for why not the enum). The columns, in order.</extracomment>
        <translation>אדם</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Link</source>
        <translation>קישור</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Purpose</source>
        <translation>מטרה</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Made by</source>
        <translation>נוצר על ידי</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Made</source>
        <translation>נוצר</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Expires</source>
        <translation>פג תוקף</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Used</source>
        <translation>נוצל</translation>
    </message>
    <message>
        <location line="+1" />
        <source>State</source>
        <translation>מצב</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Everyone</source>
        <extracomment>The first item of the person filter.</extracomment>
        <translation>כולם</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Reading the links…</source>
        <translation>קורא את הקישורים…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>No links yet.</source>
        <translation>אין עדיין קישורים.</translation>
    </message>
    <message>
        <location line="+1" />
        <source>When the session ends</source>
        <translation>כשהסשן מסתיים</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Not yet</source>
        <translation>עדיין לא</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Links</source>
        <extracomment>The dialog's title before it shows a session.</extracomment>
        <translation>קישורים</translation>
    </message>
    <message>
        <location line="+4" />
        <location line="+584" />
        <source>Regenerate links</source>
        <extracomment>The longest wait before the states are looked at again for a link that expires.</extracomment>
        <translation>יצירת קישורים מחדש</translation>
    </message>
    <message>
        <location line="-582" />
        <source>Stop every link of {name} now and send them a new invitation? Anyone who holds an old link, {name} included, can no longer join with it; the new invitation goes out at once, with a new link, to {name}'s contact. The session goes on.</source>
        <translation>לעצור עכשיו את כל הקישורים של {name} ולשלוח הזמנה חדשה? מי שמחזיק בקישור ישן, כולל {name}, לא יוכל עוד להצטרף איתו; ההזמנה החדשה נשלחת מיד, עם קישור חדש, לפרטי הקשר של {name}. הסשן ממשיך.</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Stop every link of {name} now? Anyone who holds an old link, {name} included, can no longer join with it. {name} has no contact, so no new invitation goes out: give them the session's details another way. The session goes on.</source>
        <extracomment>The same for a person with no contact: nobody can be sent anything.</extracomment>
        <translation>לעצור עכשיו את כל הקישורים של {name}? מי שמחזיק בקישור ישן, כולל {name}, לא יוכל עוד להצטרף איתו. אין ל־{name} פרטי קשר, ולכן לא תישלח הזמנה חדשה: מסרו את פרטי הסשן בדרך אחרת. הסשן ממשיך.</translation>
    </message>
    <message>
        <location line="+158" />
        <source>Link {link_id} for {name} ({role})</source>
        <extracomment>The person's name (shown masked with the privacy screen on). "Customer" or "Document participant"; empty for a person the session no longer lists. States of a link that may still let someone in, so Revoke stops it: a live link, and one used up by its first join (the browser that joined could come back with it).</extracomment>
        <translation>קישור {link_id} עבור {name} ({role})</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Link {link_id} for {name}</source>
        <translation>קישור {link_id} עבור {name}</translation>
    </message>
    <message>
        <location line="+3" />
        <source>{purpose} by {name} at {when}</source>
        <translation>{purpose} על ידי {name} ב־{when}</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Expires when the session ends</source>
        <translation>פג תוקף כשהסשן מסתיים</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Expires at {when}</source>
        <translation>פג תוקף ב־{when}</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Works for the first join only</source>
        <translation>תקף להצטרפות הראשונה בלבד</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Not used yet</source>
        <translation>עדיין לא נוצל</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Used at {when}</source>
        <translation>נוצל ב־{when}</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Revoked by {name} at {when}</source>
        <translation>בוטל על ידי {name} ב־{when}</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Revoked at {when}</source>
        <translation>בוטל ב־{when}</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Stopped when the session ended</source>
        <translation>נעצר כשהסשן הסתיים</translation>
    </message>
    <message>
        <location line="+60" />
        <source>Close</source>
        <translation>סגירה</translation>
    </message>
    <message>
        <location line="+65" />
        <source>The links could not be read: {reason}</source>
        <translation>לא ניתן היה לקרוא את הקישורים: {reason}</translation>
    </message>
    <message>
        <location line="+67" />
        <source>{name} ({role})</source>
        <translation>{name} ({role})</translation>
    </message>
    <message>
        <location line="+44" />
        <source>1 link, {live} live</source>
        <translation>קישור אחד, {live} פעילים</translation>
    </message>
    <message>
        <location line="+4" />
        <source>{count} links, {live} live</source>
        <translation>{count} קישורים, {live} פעילים</translation>
    </message>
    <message>
        <location line="+42" />
        <source>Stop link {link_id} now.</source>
        <translation>עצירת הקישור {link_id} עכשיו.</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Choose a person, or a link of theirs, first.</source>
        <translation>בחרו קודם אדם, או קישור שלו.</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Stop every link of {name} and send them a new invitation.</source>
        <translation>עצירת כל הקישורים של {name} ושליחת הזמנה חדשה.</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Stop every link of {name}.</source>
        <translation>עצירת כל הקישורים של {name}.</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Revoked link {link_id} of {name}. It no longer opens the session.</source>
        <translation>הקישור {link_id} של {name} בוטל. הוא כבר לא פותח את הסשן.</translation>
    </message>
    <message>
        <location line="+23" />
        <source>Revoked 1 link of {name}</source>
        <translation>בוטל קישור אחד של {name}</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Revoked {count} links of {name}</source>
        <translation>בוטלו {count} קישורים של {name}</translation>
    </message>
    <message>
        <location line="+4" />
        <source>{name} had no live link</source>
        <translation>ל־{name} לא היה קישור פעיל</translation>
    </message>
    <message>
        <location line="+3" />
        <source>{stopped}; a new invitation is queued ({delivery}).</source>
        <translation>{stopped}; הזמנה חדשה ממתינה בתור ({delivery}).</translation>
    </message>
    <message>
        <location line="+4" />
        <source>{stopped}; {name} has no contact, so no invitation was queued.</source>
        <translation>{stopped}; אין ל־{name} פרטי קשר, ולכן לא נוספה הזמנה לתור.</translation>
    </message>
    <message>
        <location line="+27" />
        <source>Keep links</source>
        <translation>שמירת הקישורים</translation>
    </message>
    <message>
        <location line="+19" />
        <source>Nothing was changed: {reason}</source>
        <translation>שום דבר לא שונה: {reason}</translation>
    </message>
    <message>
        <location line="+61" />
        <source>Links of session {session_id} ({name})</source>
        <translation>הקישורים של הסשן {session_id} ({name})</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Links of session {session_id}</source>
        <translation>הקישורים של הסשן {session_id}</translation>
    </message>
</context>
<context>
    <name>LinksForm</name>
    <message>
        <location filename="../../ui_forms/links.ui" line="+16" />
        <source>Every copy of a Session URL and every invitation makes a link for one person. A live link opens the session for whoever holds it: revoke one that went astray, or regenerate a person's links to stop them all and send them a new invitation. The session goes on.</source>
        <translation>כל העתקה של כתובת סשן וכל הזמנה יוצרות קישור לאדם אחד. קישור פעיל פותח את הסשן לכל מי שמחזיק בו: בטלו קישור שהגיע לידיים הלא נכונות, או צרו מחדש את הקישורים של אדם כדי לעצור את כולם ולשלוח לו הזמנה חדשה. הסשן ממשיך.</translation>
    </message>
    <message>
        <location line="+7" />
        <source>&amp;Person</source>
        <translation>&amp;אדם</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Person</source>
        <translation>אדם</translation>
    </message>
    <message>
        <location line="+18" />
        <source>Links of this session</source>
        <translation>הקישורים של הסשן</translation>
    </message>
    <message>
        <location line="+14" />
        <source>&amp;Revoke link</source>
        <translation>&amp;ביטול קישור</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Revoke link</source>
        <translation>ביטול קישור</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Re&amp;generate links…</source>
        <translation>י&amp;צירת קישורים מחדש…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Regenerate links…</source>
        <translation>יצירת קישורים מחדש…</translation>
    </message>
</context>
<context>
    <name>LobbyPanel</name>
    <message>
        <location filename="../../app/collab_console/gui/lobby_panel.py" line="+47" />
        <source>Nobody is waiting to join.</source>
        <extracomment>The texts of this module are translated in one context, "LobbyPanel" (RequestRow's too).</extracomment>
        <translation>אף אחד לא ממתין להצטרף.</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Reading the lobby…</source>
        <translation>קריאת הלובי…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Lobby locked: nobody can ask to join this session by its ID.</source>
        <translation>הלובי נעול: אי אפשר לבקש להצטרף לסשן הזה לפי המזהה שלו.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Unverified: check who they are before you admit them.</source>
        <translation>לא מאומת: יש לבדוק מי הם לפני שמאשרים את כניסתם.</translation>
    </message>
    <message>
        <location line="+23" />
        <source>1 person asks to join.</source>
        <translation>אדם אחד מבקש להצטרף.</translation>
    </message>
    <message>
        <location line="+1" />
        <source>{count} people ask to join.</source>
        <translation>{count} אנשים מבקשים להצטרף.</translation>
    </message>
    <message>
        <location line="+33" />
        <source>{id} ({owner}’s)</source>
        <extracomment>Its decision went to the store and the answer is not back yet. The buttons stay enabled meanwhile (disabling them would throw the keyboard focus elsewhere); another press does nothing.</extracomment>
        <translation>{id} (של {owner})</translation>
    </message>
    <message>
        <location line="+10" />
        <source>“{name}” · unverified</source>
        <translation>„{name}” · לא מאומת</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Request to join from “{name}”, unverified</source>
        <translation>בקשת הצטרפות מאת „{name}”, לא מאומתת</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Admit “{name}”</source>
        <translation>אישור „{name}”</translation>
    </message>
    <message>
        <location line="+3" />
        <location line="+6" />
        <source>Unverified. {how}</source>
        <translation>לא מאומת. {how}</translation>
    </message>
    <message>
        <location line="-3" />
        <source>Deny “{name}”</source>
        <translation>דחיית „{name}”</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Let “{name}” join the session as the person whose ID they typed.</source>
        <translation>לאפשר ל„{name}” להצטרף לסשן בתור האדם שאת המזהה שלו הקלידו.</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Turn “{name}” away; they are told you did not let them in.</source>
        <translation>דחיית „{name}”; תימסר הודעה שלא אישרת את הכניסה.</translation>
    </message>
    <message>
        <location line="+109" />
        <source>The lobby could not be read: {reason}</source>
        <extracomment>The waiting requests already seen, by session: only new ones are announced.</extracomment>
        <translation>לא ניתן היה לקרוא את הלובי: {reason}</translation>
    </message>
    <message>
        <location line="+57" />
        <source>“{name}” asks to join session {session_id}, unverified. Ctrl+J goes to Admit and Deny.</source>
        <translation>בקשת הצטרפות מאת „{name}” לסשן {session_id}, לא מאומתת. Ctrl+J עובר לאישור ולדחייה.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>{count} people ask to join session {session_id}, unverified. Ctrl+J goes to Admit and Deny.</source>
        <translation>{count} אנשים מבקשים להצטרף לסשן {session_id}, לא מאומתים. Ctrl+J עובר לאישור ולדחייה.</translation>
    </message>
    <message>
        <location line="+12" />
        <source>“{name}” asks to join session {session_id}, unverified. Open it to admit or deny.</source>
        <translation>בקשת הצטרפות מאת „{name}” לסשן {session_id}, לא מאומתת. פתחו אותו כדי לאשר או לדחות.</translation>
    </message>
    <message>
        <location line="+5" />
        <source>{count} people ask to join session {session_id}, unverified. Open it to admit or deny.</source>
        <translation>{count} אנשים מבקשים להצטרף לסשן {session_id}, לא מאומתים. פתחו אותו כדי לאשר או לדחות.</translation>
    </message>
    <message>
        <location line="+71" />
        <source>Admitted “{name}” to session {session_id}.</source>
        <translation>הכניסה של „{name}” לסשן {session_id} אושרה.</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Denied “{name}”: they are told you did not let them in.</source>
        <translation>הבקשה של „{name}” נדחתה: תימסר הודעה שלא אישרת את הכניסה.</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Not admitted: {reason}</source>
        <translation>הכניסה לא אושרה: {reason}</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Not denied: {reason}</source>
        <translation>הבקשה לא נדחתה: {reason}</translation>
    </message>
    <message>
        <location line="+33" />
        <source>Locked the lobby of session {session_id}: nobody can ask to join.</source>
        <translation>הלובי של הסשן {session_id} ננעל: אי אפשר לבקש להצטרף.</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Unlocked the lobby of session {session_id}.</source>
        <translation>נעילת הלובי של הסשן {session_id} בוטלה.</translation>
    </message>
    <message>
        <location line="+10" />
        <source>The lobby was not locked: {reason}</source>
        <translation>הלובי לא ננעל: {reason}</translation>
    </message>
    <message>
        <location line="+4" />
        <source>The lobby was not unlocked: {reason}</source>
        <translation>נעילת הלובי לא בוטלה: {reason}</translation>
    </message>
</context>
<context>
    <name>LobbyRequestForm</name>
    <message>
        <location filename="../../ui_forms/lobby.ui" line="+40" />
        <source>&amp;Admit</source>
        <translation>&amp;אישור</translation>
    </message>
    <message>
        <location line="+7" />
        <source>&amp;Deny</source>
        <translation>&amp;דחייה</translation>
    </message>
</context>
<context>
    <name>NewSessionDialog</name>
    <message>
        <location filename="../../app/collab_console/gui/new_session_dialog.py" line="+66" />
        <source>New session</source>
        <extracomment>QLineEdit's own space between its frame and its text, on each side (QLineEditPrivate).</extracomment>
        <translation>סשן חדש</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Customer name</source>
        <translation>שם הלקוח</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Phone or e-mail</source>
        <translation>טלפון או דוא״ל</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Start session</source>
        <translation>התחלת סשן</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Cancel</source>
        <translation>ביטול</translation>
    </message>
    <message>
        <location line="+48" />
        <source>Session not started</source>
        <translation>הסשן לא התחיל</translation>
    </message>
</context>
<context>
    <name>NewSessionForm</name>
    <message>
        <location filename="../../ui_forms/new_session.ui" line="+10" />
        <source>The customer's invitation goes out as the session starts: by SMS to a phone number, by e-mail to an address.</source>
        <translation>ההזמנה ללקוח נשלחת כשהסשן מתחיל: ב־SMS למספר טלפון, בדוא״ל לכתובת.</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Customer &amp;name</source>
        <translation>&amp;שם הלקוח</translation>
    </message>
    <message>
        <location line="+11" />
        <source>&amp;Phone or e-mail</source>
        <translation>&amp;טלפון או דוא״ל</translation>
    </message>
    <message>
        <location line="+6" />
        <source>+44 20 7946 0958 or name@example.com</source>
        <translation>⁦+44 20 7946 0958⁩ או ⁦name@example.com⁩</translation>
    </message>
</context>
<context>
    <name>ParticipantsModel</name>
    <message>
        <location filename="../../app/collab_console/gui/models.py" line="+50" />
        <source>Press Enter to open the copy card.</source>
        <extracomment>The number of the display line to draw as a failure (red), or None: a failed invitation. A row's delivery (``core.delivery.Delivery``), or None when never invited. What a screen reader adds after a participant row's text.</extracomment>
        <translation>הקישו Enter כדי לפתוח את כרטיס ההעתקה.</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <location filename="../../app/collab_console/gui/preferences_dialog.py" line="+95" />
        <source>Settings changed meanwhile</source>
        <extracomment>``typing.TYPE_CHECKING`` without importing more of ``typing``. Widget names in ``security_warning.ui``; each gets the declaration's ``ui_prefix``. The widest range a QSpinBox holds, for an INT setting declared without bounds.</extracomment>
        <translation>ההגדרות שונו בינתיים</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Settings saved.</source>
        <extracomment>Said in the console's status bar once a save took.</extracomment>
        <translation>ההגדרות נשמרו.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Only an admin can change these settings.</source>
        <extracomment>The banner over the organisation's settings, by state.</extracomment>
        <translation>רק מנהל מערכת יכול לשנות את ההגדרות האלה.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Only an admin can change these settings, and none is set up yet. To set up the first one, run collab-console admin init --name NAME in a terminal.</source>
        <translation>רק מנהל מערכת יכול לשנות את ההגדרות האלה, ועדיין לא הוגדר אף מנהל. כדי להגדיר את הראשון, הריצו ⁦collab-console admin init --name NAME⁩ במסוף.</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Unlocked by {name} until {until}. What you save is recorded in that name.</source>
        <translation>הנעילה בוטלה על ידי {name} עד {until}. מה שתשמרו נרשם בשם הזה.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>The unlock as {name} has ended. Only an admin can change these settings.</source>
        <translation>ביטול הנעילה בתור {name} הסתיים. רק מנהל מערכת יכול לשנות את ההגדרות האלה.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Unlock again to save your changes.</source>
        <extracomment>Why Save is disabled while edits wait for an admin.</extracomment>
        <translation>בטלו שוב את הנעילה כדי לשמור את השינויים.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Checking your role in the organisation's database…</source>
        <extracomment>The banner in organisation mode, while the database is asked who this login is.</extracomment>
        <translation>בודק את התפקיד שלך במסד הנתונים של הארגון…</translation>
    </message>
    <message>
        <location line="+4" />
        <source>You are signed in to the organisation's database as {name}, a member of collab_admin: what you save applies to every console and is recorded in that name.</source>
        <extracomment>The banner in organisation mode, for a member of collab_admin.</extracomment>
        <translation>התחברת למסד הנתונים של הארגון בתור {name}, חבר ב־⁦collab_admin⁩: מה שתשמרו חל על כל המסופים ונרשם בשם הזה.</translation>
    </message>
    <message>
        <location line="+8" />
        <source>The settings are read-only for you: only a member of the database role collab_admin can change them (the database owner adds admins with collab-console db add-user NAME --role admin).</source>
        <extracomment>The banner in organisation mode for everyone else.</extracomment>
        <translation>ההגדרות לקריאה בלבד עבורך: רק חבר בתפקיד מסד הנתונים ⁦collab_admin⁩ יכול לשנות אותן (בעל מסד הנתונים מוסיף מנהלי מערכת עם ⁦collab-console db add-user NAME --role admin⁩).</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Could not check your role in the organisation's database: {reason}</source>
        <extracomment>The banner in organisation mode when the database could not be asked.</extracomment>
        <translation>לא ניתן היה לבדוק את התפקיד שלך במסד הנתונים של הארגון: {reason}</translation>
    </message>
    <message>
        <location line="+30" />
        <source>{setting} error</source>
        <extracomment>The Audit log's place among the navigation's top-level items, and its page's index. The longest a QTimer waits (ms); an unlock that lasts longer is checked again then. Size of the warning icon, in device-independent pixels. What makes the warning's colours, the reds or the icon's pixels out of date.</extracomment>
        <translation>שגיאה ב{setting}</translation>
    </message>
    <message>
        <location line="+41" />
        <source>{setting} (locked)</source>
        <extracomment>IT's system policy locks the setting on this workstation: it shows, never edits.</extracomment>
        <translation>{setting} (נעול)</translation>
    </message>
    <message>
        <location line="+211" />
        <source>Security warning: {title}</source>
        <translation>אזהרת אבטחה: {title}</translation>
    </message>
    <message>
        <location line="+18" />
        <source>Warning</source>
        <translation>אזהרה</translation>
    </message>
    <message>
        <location line="+31" />
        <source>Security warning acknowledged by {name} on {when} UTC.</source>
        <translation>אזהרת האבטחה אושרה על ידי {name} ב־{when} UTC.</translation>
    </message>
    <message>
        <location line="+66" />
        <source>Preferences</source>
        <translation>העדפות</translation>
    </message>
    <message>
        <location line="+17" />
        <source>&amp;Save</source>
        <translation>&amp;שמירה</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Cancel</source>
        <translation>ביטול</translation>
    </message>
    <message>
        <location line="+19" />
        <source>Settings marked (locked) are set on this workstation by IT's system policy ({path}).</source>
        <extracomment>Said after the banner while IT's system policy locks settings here.</extracomment>
        <translation>הגדרות המסומנות (נעול) נקבעות בתחנה הזו על ידי מדיניות המערכת של מחלקת ה־IT ({path}).</translation>
    </message>
    <message>
        <location line="+232" />
        <source>This console was started with {option}. A choice here replaces it now and is kept for next time.</source>
        <extracomment>The admin who unlocked the settings, while the unlock is valid. Who unlocked last, for the banner once the unlock has ended. Whether the store has an admin; None until it said. The database says who is an admin: no passphrase, no Unlock. In organisation mode, why this login may not change the settings ('' when it may, or while the database has not said). In organisation mode, the database could not be asked (it is asked again once the hub has confirmed the policy with it). Settings this admin edited that another admin changed too, not yet told of, and the settings that change came with.</extracomment>
        <translation>המסוף הזה הופעל עם {option}. בחירה כאן מחליפה אותה עכשיו ונשמרת לפעם הבאה.</translation>
    </message>
    <message>
        <location line="+9" />
        <source>System</source>
        <translation>מערכת</translation>
    </message>
    <message>
        <location line="+17" />
        <source>The language could not be kept: {reason}.</source>
        <translation>לא ניתן היה לשמור את השפה: {reason}.</translation>
    </message>
    <message>
        <location line="+86" />
        <source>Reading the settings…</source>
        <translation>קורא את ההגדרות…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Saving…</source>
        <translation>שומר…</translation>
    </message>
    <message>
        <location line="+7" />
        <source>To save with {setting} on, tick “{acknowledge}”.</source>
        <translation>כדי לשמור כש{setting} פעיל, סמנו „{acknowledge}”.</translation>
    </message>
    <message>
        <location line="+8" />
        <source>To save, fix the {setting}.</source>
        <translation>כדי לשמור, תקנו את {setting}.</translation>
    </message>
    <message>
        <location line="+112" />
        <source>Settings not saved</source>
        <translation>ההגדרות לא נשמרו</translation>
    </message>
    <message>
        <location line="+1" />
        <source>{reason}

Nothing was changed.</source>
        <translation>{reason}

שום דבר לא שונה.</translation>
    </message>
    <message>
        <location line="+18" />
        <source>{name} changed these settings on {date} at {time} UTC, while this dialog was open.</source>
        <translation>{name} שינה את ההגדרות האלה ב־{date} בשעה {time} UTC, בזמן שהחלון הזה היה פתוח.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>{name} changed these settings, while this dialog was open.</source>
        <translation>{name} שינה את ההגדרות האלה בזמן שהחלון הזה היה פתוח.</translation>
    </message>
    <message>
        <location line="+4" />
        <source>{setting} ({value})</source>
        <translation>{setting} ({value})</translation>
    </message>
    <message>
        <location line="+2" />
        <source>They changed: {changes}.</source>
        <translation>מה שהשתנה: {changes}.</translation>
    </message>
    <message>
        <location line="+7" />
        <source>They changed no value.</source>
        <translation>אף ערך לא השתנה.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>{changed} {what}

The dialog now shows their values, with your own changes kept on top: review them and save again to apply them, or cancel to keep theirs.</source>
        <translation>{changed} {what}

החלון מציג עכשיו את הערכים שלהם, והשינויים שלך נשמרו מעליהם: עברו עליהם ושמרו שוב כדי להחיל אותם, או בטלו כדי להשאיר את שלהם.</translation>
    </message>
</context>
<context>
    <name>PreferencesForm</name>
    <message>
        <location filename="../../ui_forms/preferences.ui" line="+29" />
        <source>Settings sections</source>
        <translation>מקטעי ההגדרות</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Section</source>
        <translation>מקטע</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Session</source>
        <translation>סשן</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Tools</source>
        <translation>כלים</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Invitations</source>
        <translation>הזמנות</translation>
    </message>
    <message>
        <location line="+4" />
        <location line="+242" />
        <source>Appearance</source>
        <translation>מראה</translation>
    </message>
    <message>
        <location line="-239" />
        <location line="+299" />
        <source>Audit log</source>
        <translation>יומן ביקורת</translation>
    </message>
    <message>
        <location line="-269" />
        <source>&amp;Unlock…</source>
        <translation>&amp;ביטול נעילה…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Unlock</source>
        <translation>ביטול נעילה</translation>
    </message>
    <message>
        <location line="+24" />
        <source>Session › Tools</source>
        <translation>סשן › כלים</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Copy session details</source>
        <translation>העתקת פרטי הסשן</translation>
    </message>
    <message>
        <location line="+5" />
        <source>When an invitation cannot reach the customer (blocked SMS, bounced e-mail), agents can copy these details from the customer card and share them through another channel.</source>
        <translation>כשהזמנה אינה מגיעה ללקוח (SMS חסום, דוא״ל שחזר), הנציגים יכולים להעתיק את הפרטים האלה מכרטיס הלקוח ולשתף אותם בערוץ אחר.</translation>
    </message>
    <message>
        <location line="+18" />
        <source>Session links</source>
        <translation>קישורי סשן</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Link expiry and limits</source>
        <translation>תפוגת קישורים ומגבלות</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Privacy</source>
        <translation>פרטיות</translation>
    </message>
    <message>
        <location line="+43" />
        <source>Session › Invitations</source>
        <translation>סשן › הזמנות</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Invitations go out by e-mail or SMS, as each contact implies, when a session starts, when a participant is added and when an agent resends one. With no mail server or SMS gateway set, they are written to the outbox folder in the data folder instead, and nothing is sent.</source>
        <translation>ההזמנות נשלחות בדוא״ל או ב־SMS, לפי פרטי הקשר, כשסשן מתחיל, כשמוסיפים משתתף וכשנציג שולח הזמנה שוב. כשלא הוגדרו שרת דואר או שער SMS, הן נכתבות לתיקייה outbox שבתיקיית הנתונים, ושום דבר לא נשלח.</translation>
    </message>
    <message>
        <location line="+9" />
        <source>E-mail (SMTP)</source>
        <translation>דוא״ל (SMTP)</translation>
    </message>
    <message>
        <location line="+19" />
        <source>SMS gateway</source>
        <translation>שער SMS</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Resending</source>
        <translation>שליחה חוזרת</translation>
    </message>
    <message>
        <location line="+12" />
        <source>The SMTP password and the gateway token are kept in the system keyring: collab-console secrets set smtp-password, and collab-console secrets set sms-token, in a terminal on the computer that sends. They are never part of these settings.</source>
        <translation>סיסמת ה־SMTP ואסימון השער נשמרים במחזיק המפתחות של המערכת: ⁦collab-console secrets set smtp-password⁩ ו־⁦collab-console secrets set sms-token⁩, במסוף במחשב השולח. הם לעולם אינם חלק מההגדרות האלה.</translation>
    </message>
    <message>
        <location line="+41" />
        <source>&amp;Theme</source>
        <translation>&amp;ערכת נושא</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Theme</source>
        <translation>ערכת נושא</translation>
    </message>
    <message>
        <location line="+5" />
        <source>&amp;Language</source>
        <translation>&amp;שפה</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Language</source>
        <translation>שפה</translation>
    </message>
    <message>
        <location line="+8" />
        <source>The language applies from the next start. System follows the desktop's language; --lang chooses for one run.</source>
        <translation>השפה חלה מההפעלה הבאה. 'מערכת' עוקבת אחר שפת שולחן העבודה; ‎--lang בוחרת להפעלה אחת.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>System follows the desktop's light or dark setting. This is your own choice on this computer: it applies at once and needs no Save.</source>
        <translation>„מערכת” עוקבת אחר הגדרת הבהיר או הכהה של שולחן העבודה. זו הבחירה שלך במחשב הזה: היא חלה מיד ואינה דורשת שמירה.</translation>
    </message>
    <message>
        <location line="+47" />
        <source>&amp;Kind</source>
        <translation>&amp;סוג</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Kind</source>
        <translation>סוג</translation>
    </message>
    <message>
        <location line="+5" />
        <source>&amp;Person</source>
        <translation>&amp;אדם</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Anyone (a full name, like admin.ana)</source>
        <translation>כל אחד (שם מלא, כמו admin.ana)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Person</source>
        <translation>אדם</translation>
    </message>
    <message>
        <location line="+5" />
        <source>&amp;From</source>
        <translation>&amp;מתאריך</translation>
    </message>
    <message>
        <location line="+7" />
        <location line="+13" />
        <source>yyyy-MM-dd</source>
        <translation>yyyy-MM-dd</translation>
    </message>
    <message>
        <location line="-12" />
        <source>From</source>
        <translation>מתאריך</translation>
    </message>
    <message>
        <location line="+5" />
        <source>&amp;To</source>
        <translation>&amp;עד תאריך</translation>
    </message>
    <message>
        <location line="+8" />
        <source>To</source>
        <translation>עד תאריך</translation>
    </message>
    <message>
        <location line="+5" />
        <source>S&amp;earch</source>
        <translation>&amp;חיפוש</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Text in any field: a Session ID, a setting, a value…</source>
        <translation>טקסט בכל שדה: מזהה סשן, הגדרה, ערך…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Search</source>
        <translation>חיפוש</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Audit log entries</source>
        <translation>רשומות יומן הביקורת</translation>
    </message>
</context>
<context>
    <name>QtClipboard</name>
    <message>
        <location filename="../../app/collab_console/gui/clipboard.py" line="+104" />
        <source>the system clipboard could not be reached; try again</source>
        <extracomment>Klipper, CopyQ, fcitx5 and other X11/Wayland clipboard managers keep such a value out of their history. Qt's name for a native Windows clipboard format (QWindowsMimeConverter's convention). A DWORD 0, as Windows reads the Can… formats: "no".</extracomment>
        <translation>לא ניתן היה לגשת ללוח הגזירים של המערכת; נסו שוב</translation>
    </message>
    <message>
        <location line="+9" />
        <source>the system clipboard did not keep the value; try again</source>
        <translation>לוח הגזירים של המערכת לא שמר את הערך; נסו שוב</translation>
    </message>
</context>
<context>
    <name>SessionListModel</name>
    <message>
        <location filename="../../app/collab_console/gui/models.py" line="+299" />
        <source>Demo</source>
        <extracomment>What people put between a phone number's digits; a stored number has none (E.164).</extracomment>
        <translation>הדגמה</translation>
    </message>
</context>
<context>
    <name>SessionView</name>
    <message>
        <location filename="../../app/collab_console/gui/session_view.py" line="+28" />
        <source>Point at the customer icon or a participant to copy session details.</source>
        <extracomment>Marked in the "SessionView" context; translated where shown (:func:`_tr`).</extracomment>
        <translation>הצביעו על סמל הלקוח או על משתתף כדי להעתיק את פרטי הסשן.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Point at the customer icon or a participant to resend their invite.</source>
        <extracomment>With copying turned off, what the card still offers (before the core's reason why).</extracomment>
        <translation>הצביעו על סמל הלקוח או על משתתף כדי לשלוח שוב את ההזמנה שלו.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Point at the customer icon to resend the customer's invite.</source>
        <extracomment>The same when no document participant has a phone or e-mail to resend to.</extracomment>
        <translation>הצביעו על סמל הלקוח כדי לשלוח שוב את ההזמנה של הלקוח.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Reading the copy settings from the store…</source>
        <translation>קריאת הגדרות ההעתקה ממאגר הנתונים…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>No other participants in this session.</source>
        <translation>אין משתתפים נוספים בסשן הזה.</translation>
    </message>
    <message>
        <location line="+155" />
        <source>Customer: {name}</source>
        <translation>לקוח: {name}</translation>
    </message>
    <message>
        <location line="+6" />
        <source>{state} · Session {session_id}</source>
        <translation>{state} · סשן {session_id}</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Customer's invitation: {status}</source>
        <translation>ההזמנה של הלקוח: {status}</translation>
    </message>
    <message>
        <location line="+45" />
        <source>No participant matches “{filter}”.</source>
        <translation>אין משתתף שמתאים ל„{filter}”.</translation>
    </message>
</context>
<context>
    <name>StoreHub</name>
    <message>
        <location filename="../../app/collab_console/gui/store_hub.py" line="+219" />
        <source>unexpected store failure ({error})</source>
        <extracomment>How often to ask the store what other processes changed. How long the policy may go unconfirmed before sensitive copies are withdrawn. Not after a lost connection: the changes announced meanwhile are lost with it, so sensitive copies are withdrawn at once then. The first wait before trying a lost connection again; each failure doubles it, up to RETRY_MAX_MS. Sessions whose deliveries are being read, and those changed again meanwhile. Watches the store's event socket, when it has one (the timer is stopped then). The connection is known lost: attempts to reach it again run on _retry_timer. Lost, and the settings not read afresh since: True until the policy is confirmed.</extracomment>
        <translation>כשל לא צפוי של מאגר הנתונים ({error})</translation>
    </message>
</context>
<context>
    <name>UnlockDialog</name>
    <message>
        <location filename="../../app/collab_console/gui/unlock_dialog.py" line="+37" />
        <source>You can try again in {seconds} s.</source>
        <extracomment>Under the refusal while the core would refuse another attempt unchecked.</extracomment>
        <translation>אפשר לנסות שוב בעוד {seconds} שניות.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Checking…</source>
        <extracomment>Under the fields while the core checks the passphrase.</extracomment>
        <translation>בודק…</translation>
    </message>
    <message>
        <location line="+60" />
        <source>Unlock admin settings</source>
        <extracomment>The dialog's least width, in average characters of its font. How often the countdown is redrawn; it counts whole seconds from the refusal. The core's refusal as one sentence ('' when unlocked). Whole seconds during which the core refuses another attempt unchecked.</extracomment>
        <translation>ביטול נעילה של הגדרות הניהול</translation>
    </message>
    <message>
        <location line="+18" />
        <source>&amp;Unlock</source>
        <translation>&amp;ביטול נעילה</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Cancel</source>
        <translation>ביטול</translation>
    </message>
</context>
<context>
    <name>UnlockForm</name>
    <message>
        <location filename="../../ui_forms/unlock.ui" line="+16" />
        <source>Enter an admin's name and passphrase to change the organisation's settings. Every attempt is recorded in the audit trail.</source>
        <translation>הזינו שם וסיסמה של מנהל מערכת כדי לשנות את הגדרות הארגון. כל ניסיון נרשם ביומן הביקורת.</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Admin &amp;name</source>
        <translation>&amp;שם המנהל</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Admin name</source>
        <translation>שם המנהל</translation>
    </message>
    <message>
        <location line="+5" />
        <source>&amp;Passphrase</source>
        <translation>&amp;סיסמה</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Passphrase</source>
        <translation>סיסמה</translation>
    </message>
</context>
<context>
    <name>UnreachableStoreDialog</name>
    <message>
        <location filename="../../app/collab_console/gui/unreachable_dialog.py" line="+44" />
        <source>Collab Console cannot reach the store</source>
        <translation>אין ל־Collab Console גישה למאגר הנתונים</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Connecting to the organisation's database…</source>
        <extracomment>What the dialog says while the first attempt takes longer than SHOW_AFTER_MS.</extracomment>
        <translation>מתחבר למסד הנתונים של הארגון…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Connecting…</source>
        <translation>מתחבר…</translation>
    </message>
    <message>
        <location line="+3" />
        <source>quit before the organisation's database answered</source>
        <extracomment>Why the console did not start, when Quit came before the first attempt's answer.</extracomment>
        <translation>יצאת לפני שמסד הנתונים של הארגון ענה</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Tried again at {time}; still not reachable.</source>
        <extracomment>Under the reason after a Retry failed, so the user sees that it was tried.</extracomment>
        <translation>ניסיון חוזר ב־{time}; עדיין אין חיבור.</translation>
    </message>
    <message>
        <location line="+63" />
        <source>Information</source>
        <extracomment>How long the first attempt may take before the dialog shows (a server that answers at once opens the console without it). The reason's width, in average characters of its font. What ``attempt`` returned, once one succeeded. Why the store could not be opened, as the last attempt said (one sentence).</extracomment>
        <translation>מידע</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Connection attempt</source>
        <translation>ניסיון התחברות</translation>
    </message>
    <message>
        <location line="+10" />
        <source>&amp;Retry</source>
        <translation>&amp;ניסיון חוזר</translation>
    </message>
    <message>
        <location line="+5" />
        <source>&amp;Quit</source>
        <translation>&amp;יציאה</translation>
    </message>
    <message>
        <location line="+63" />
        <source>unexpected failure ({error})</source>
        <translation>כשל לא צפוי ({error})</translation>
    </message>
    <message>
        <location line="+34" />
        <source>Warning</source>
        <translation>אזהרה</translation>
    </message>
</context>
<context>
    <name>started_text</name>
    <message>
        <location filename="../../app/collab_console/gui/models.py" line="-295" />
        <source>Jan</source>
        <extracomment>The months as rows and the lobby show them (translated where shown, context "started_text").</extracomment>
        <translation>ינו׳</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Feb</source>
        <translation>פבר׳</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Mar</source>
        <translation>מרץ</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Apr</source>
        <translation>אפר׳</translation>
    </message>
    <message>
        <location line="+1" />
        <source>May</source>
        <translation>מאי</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Jun</source>
        <translation>יוני</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Jul</source>
        <translation>יולי</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Aug</source>
        <translation>אוג׳</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Sep</source>
        <translation>ספט׳</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Oct</source>
        <translation>אוק׳</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Nov</source>
        <translation>נוב׳</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Dec</source>
        <translation>דצמ׳</translation>
    </message>
    <message>
        <location line="+12" />
        <source>Started {when}</source>
        <translation>התחלה: {when}</translation>
    </message>
    <message>
        <location line="+14" />
        <source>{day} {month} {time}</source>
        <translation>{day} ב{month} {time}</translation>
    </message>
    <message>
        <location line="+3" />
        <source>{day} {month} {year} {time}</source>
        <translation>{day} ב{month} {year} {time}</translation>
    </message>
</context>
</TS>
