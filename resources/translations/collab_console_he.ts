<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="he" sourcelanguage="en">
<context>
    <name>AboutForm</name>
    <message>
        <location filename="../../ui_forms/about.ui" line="+14"/>
        <source>Collab Console</source>
        <translation>Collab Console</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The agent console for live collaboration sessions: copy session details safely.</source>
        <translation>מסוף הנציגים לסשנים של שיתוף פעולה חי: העתקה בטוחה של פרטי הסשן.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Licence &amp;notices</source>
        <translation>הודעות &amp;רישוי</translation>
    </message>
</context>
<context>
    <name>AddParticipantForm</name>
    <message>
        <location filename="../../ui_forms/add_participant.ui" line="+15"/>
        <source>An invitation with a link of their own is sent to them.</source>
        <translation>תישלח אליו הזמנה עם קישור אישי משלו.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Name</source>
        <translation>&amp;שם</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>&amp;Phone or e-mail</source>
        <translation>&amp;טלפון או דוא״ל</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>+44 20 7946 0958 or name@example.com</source>
        <translation>⁦+44 20 7946 0958⁩ או ⁦name@example.com⁩</translation>
    </message>
</context>
<context>
    <name>ConsoleView</name>
    <message>
        <location filename="../../ui_forms/console.ui" line="+23"/>
        <location line="+2"/>
        <source>Filter sessions and participants</source>
        <translation>סינון סשנים ומשתתפים</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type part of a name, Session ID, phone number or e-mail address (Ctrl+F). Esc clears it.</source>
        <translation>הקלידו חלק משם, מזהה סשן, מספר טלפון או כתובת דוא״ל (Ctrl+F). המקש Esc מנקה את השדה.</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+9"/>
        <source>My sessions</source>
        <translation>הסשנים שלי</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+1"/>
        <source>New session…</source>
        <translation>סשן חדש…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Select a session, or start a new one.</source>
        <translation>בחרו סשן, או התחילו סשן חדש.</translation>
    </message>
    <message>
        <location line="+66"/>
        <location line="+1"/>
        <source>Links…</source>
        <translation>קישורים…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every link of this session: who has one, which still work; revoke or regenerate them (Ctrl+L).</source>
        <translation>כל הקישורים של הסשן: למי יש קישור ואילו עדיין פעילים; ביטול או יצירה מחדש (Ctrl+L).</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+1"/>
        <source>End session</source>
        <translation>סיום סשן</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Point at the customer icon or a participant for copy options.</source>
        <translation>הצביעו על סמל הלקוח או על משתתף כדי לראות אפשרויות העתקה.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Nobody is waiting to join.</source>
        <translation>אין ממתינים להצטרפות.</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+1"/>
        <source>Lock lobby</source>
        <translation>נעילת הלובי</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>While the lobby is locked, nobody can ask to join this session by its ID (Ctrl+Shift+L).</source>
        <translation>כל עוד הלובי נעול, אי אפשר לבקש להצטרף לסשן לפי המזהה שלו (Ctrl+Shift+L).</translation>
    </message>
    <message>
        <location line="+21"/>
        <location line="+6"/>
        <source>Document participants</source>
        <translation>משתתפי המסמך</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No other participants in this session.</source>
        <translation>אין משתתפים נוספים בסשן.</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+1"/>
        <source>Add participant…</source>
        <translation>הוספת משתתף…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add a document participant to this session and send them an invitation.</source>
        <translation>הוספת משתתף מסמך לסשן ושליחת הזמנה אליו.</translation>
    </message>
</context>
<context>
    <name>ConsoleWindow</name>
    <message>
        <location filename="../../app/collab_console/gui/console_window.py" line="+58"/>
        <source>Session URL copied — clears in {seconds} s</source>
        <extracomment>How long typing in the filter field must pause before the lists follow (one pass over a 10 000-participant session takes ~0.2 s, so not on every key). Qt.Key.Key_Escape as a number (the Qt namespace costs ~15 ms to build at start-up). The permanent countdown at the right of the status bar while a copied Session URL waits to be cleared from the clipboard (the copy message already said when, once).</extracomment>
        <translation>קישור הסשן הועתק — יימחק בעוד {seconds} שנ׳</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cleared the copied Session URL from the clipboard.</source>
        <translation>קישור הסשן שהועתק נמחק מהלוח.</translation>
    </message>
    <message>
        <location line="+127"/>
        <source>&amp;File</source>
        <extracomment>Said once when the store can be used again: after a lost connection (the settings were read afresh), or after it could not be read for a while.</extracomment>
        <translation>&amp;קובץ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;New session…</source>
        <translation>סשן &amp;חדש…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Quit</source>
        <translation>י&amp;ציאה</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>S&amp;ession</source>
        <translation>&amp;סשן</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Add participant…</source>
        <translation>&amp;הוספת משתתף…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Add a document participant to this session and send them an invitation.</source>
        <translation>הוספת משתתף מסמך לסשן ושליחת הזמנה אליו.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;End session…</source>
        <translation>סי&amp;ום סשן…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Links…</source>
        <translation>&amp;קישורים…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Every link of this session: who has one, which still work; revoke or regenerate them.</source>
        <translation>כל הקישורים של הסשן: למי יש קישור ואילו עדיין פעילים; ביטול או יצירה מחדש.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Go to the &amp;lobby</source>
        <translation>מעבר ל&amp;לובי</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Focus Admit on the first request to join.</source>
        <translation>מעבר לכפתור האישור של בקשת ההצטרפות הראשונה.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Loc&amp;k lobby</source>
        <translation>&amp;נעילת הלובי</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>While the lobby is locked, nobody can ask to join this session by its ID.</source>
        <translation>כל עוד הלובי נעול, אי אפשר לבקש להצטרף לסשן לפי המזהה שלו.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;View</source>
        <translation>&amp;תצוגה</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Filter sessions and participants</source>
        <translation>&amp;סינון סשנים ומשתתפים</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Privacy screen</source>
        <translation>מסך &amp;פרטיות</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Mask customer names, contacts and IDs on screen; copying still works.</source>
        <translation>הסתרת שמות לקוחות, פרטי קשר ומזהים במסך; ההעתקה ממשיכה לעבוד.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Settings</source>
        <translation>&amp;הגדרות</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Preferences…</source>
        <translation>ה&amp;עדפות…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Help</source>
        <translation>&amp;עזרה</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;About Collab Console</source>
        <translation>&amp;אודות Collab Console</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Open the menu bar</source>
        <translation>פתיחת שורת התפריטים</translation>
    </message>
</context>
<context>
    <name>CopyCard</name>
    <message>
        <location filename="../../ui_forms/copy_card.ui" line="+47"/>
        <source>Copy Session ID</source>
        <translation>העתקת מזהה הסשן</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Copy Session URL</source>
        <translation>העתקת קישור הסשן</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Copy both</source>
        <translation>העתקת שניהם</translation>
    </message>
    <message>
        <location line="+30"/>
        <location filename="../../app/collab_console/gui/copy_card.py" line="+72"/>
        <source>Resend invite</source>
        <translation>שליחת ההזמנה שוב</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Copying is for invitations that could not be delivered. Lost link? Use Resend invite.</source>
        <translation>ההעתקה מיועדת להזמנות שלא נמסרו. הקישור אבד? השתמשו ב„שליחת ההזמנה שוב”.</translation>
    </message>
    <message>
        <location filename="../../app/collab_console/gui/copy_card.py" line="-1"/>
        <source>Copied ✓</source>
        <extracomment>How long the pointer must rest on an anchor before the card appears. How long the card stays after the pointer left both the anchor and the card. How long a button says &quot;Copied ✓&quot;. How long a card left with nothing to offer says so before it closes.</extracomment>
        <translation>הועתק ✓</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Resend in {seconds} s</source>
        <extracomment>Resend invite while the person&apos;s interval is not over (the store&apos;s rate limit).</extracomment>
        <translation>שליחה חוזרת בעוד {seconds} שנ׳</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Queuing…</source>
        <extracomment>Resend invite while the store is asked to queue it.</extracomment>
        <translation>נכנס לתור…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Invite queued ✓</source>
        <extracomment>Resend invite, for a moment, once the store queued it.</extracomment>
        <translation>ההזמנה בתור ✓</translation>
    </message>
    <message>
        <location line="+215"/>
        <source>Links open {host}</source>
        <extracomment>A card that offers nothing (it says why before it closes). The card&apos;s accessible description when it offers copy buttons only: what it is for. ... when it offers Resend invite only (copying is turned off). ... when it offers both, in the card&apos;s order (the copy buttons first when the invitation failed). ... when it offers nothing (it says why before it closes). Room between the card and the text it hangs beside. False while __init__ builds the card: Qt sends palette changes before it is whole. The Session URL base in force: the card shows where links open and a masked link. Resend invite says &quot;Invite queued ✓&quot; until the confirmation&apos;s moment is over.</extracomment>
        <translation>הקישורים נפתחים ב־{host}</translation>
    </message>
</context>
<context>
    <name>CopyReasonForm</name>
    <message>
        <location filename="../../ui_forms/copy_reason.ui" line="+17"/>
        <source>Why copy it?</source>
        <translation>למה להעתיק?</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Reason</source>
        <translation>&amp;סיבה</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>e.g. the customer&apos;s phone blocks links in texts</source>
        <translation>למשל, הטלפון של הלקוח חוסם קישורים בהודעות</translation>
    </message>
</context>
<context>
    <name>LinksForm</name>
    <message>
        <location filename="../../ui_forms/links.ui" line="+16"/>
        <source>Every copy of a Session URL and every invitation makes a link for one person. A live link opens the session for whoever holds it: revoke one that went astray, or regenerate a person&apos;s links to stop them all and send them a new invitation. The session goes on.</source>
        <translation>כל העתקה של קישור לסשן וכל הזמנה יוצרות קישור לאדם אחד. קישור פעיל פותח את הסשן לכל מי שמחזיק בו: בטלו קישור שהגיע לידיים הלא נכונות, או צרו מחדש את הקישורים של אדם כדי לעצור את כולם ולשלוח לו הזמנה חדשה. הסשן ממשיך.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Person</source>
        <translation>&amp;אדם</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Person</source>
        <translation>אדם</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Links of this session</source>
        <translation>הקישורים של הסשן</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>&amp;Revoke link</source>
        <translation>&amp;ביטול קישור</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Revoke link</source>
        <translation>ביטול קישור</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Re&amp;generate links…</source>
        <translation>י&amp;צירת קישורים מחדש…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Regenerate links…</source>
        <translation>יצירת קישורים מחדש…</translation>
    </message>
</context>
<context>
    <name>LobbyRequestForm</name>
    <message>
        <location filename="../../ui_forms/lobby.ui" line="+24"/>
        <source>“Name” · unverified</source>
        <translation>„שם” · לא מאומת</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>typed the ID</source>
        <translation>הקליד את המזהה</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Admit</source>
        <translation>&amp;אישור</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Deny</source>
        <translation>&amp;דחייה</translation>
    </message>
</context>
<context>
    <name>NewSessionForm</name>
    <message>
        <location filename="../../ui_forms/new_session.ui" line="+10"/>
        <source>The customer&apos;s invitation goes out as the session starts: by SMS to a phone number, by e-mail to an address.</source>
        <translation>ההזמנה ללקוח נשלחת כשהסשן מתחיל: ב־SMS למספר טלפון, בדוא״ל לכתובת.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Customer &amp;name</source>
        <translation>&amp;שם הלקוח</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>&amp;Phone or e-mail</source>
        <translation>&amp;טלפון או דוא״ל</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>+44 20 7946 0958 or name@example.com</source>
        <translation>⁦+44 20 7946 0958⁩ או ⁦name@example.com⁩</translation>
    </message>
</context>
<context>
    <name>PreferencesForm</name>
    <message>
        <location filename="../../ui_forms/preferences.ui" line="+29"/>
        <source>Settings sections</source>
        <translation>מקטעי ההגדרות</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Section</source>
        <translation>מקטע</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Session</source>
        <translation>סשן</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tools</source>
        <translation>כלים</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Invitations</source>
        <translation>הזמנות</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+242"/>
        <source>Appearance</source>
        <translation>מראה</translation>
    </message>
    <message>
        <location line="-239"/>
        <location line="+282"/>
        <source>Audit log</source>
        <translation>יומן ביקורת</translation>
    </message>
    <message>
        <location line="-258"/>
        <source>Only an admin can change these settings.</source>
        <translation>רק מנהל מערכת יכול לשנות את ההגדרות האלה.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Unlock…</source>
        <translation>&amp;ביטול נעילה…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unlock</source>
        <translation>ביטול נעילה</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Session › Tools</source>
        <translation>סשן › כלים</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Copy session details</source>
        <translation>העתקת פרטי הסשן</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>When an invitation cannot reach the customer (blocked SMS, bounced e-mail), agents can copy these details from the customer card and share them through another channel.</source>
        <translation>כשהזמנה אינה מגיעה ללקוח (SMS חסום, דוא״ל שחזר), הנציגים יכולים להעתיק את הפרטים האלה מכרטיס הלקוח ולשתף אותם בערוץ אחר.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Session links</source>
        <translation>קישורי סשן</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Link expiry and limits</source>
        <translation>תפוגת קישורים ומגבלות</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Privacy</source>
        <translation>פרטיות</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Session › Invitations</source>
        <translation>סשן › הזמנות</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Invitations go out by e-mail or SMS, as each contact implies, when a session starts, when a participant is added and when an agent resends one. With no mail server or SMS gateway set, they are written to the outbox folder in the data folder instead, and nothing is sent.</source>
        <translation>ההזמנות נשלחות בדוא״ל או ב־SMS, לפי פרטי הקשר, כשסשן מתחיל, כשמוסיפים משתתף וכשנציג שולח הזמנה שוב. כשלא הוגדרו שרת דואר או שער SMS, הן נכתבות לתיקייה outbox שבתיקיית הנתונים, ושום דבר לא נשלח.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>E-mail (SMTP)</source>
        <translation>דוא״ל (SMTP)</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>SMS gateway</source>
        <translation>שער SMS</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Resending</source>
        <translation>שליחה חוזרת</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The SMTP password and the gateway token are kept in the system keyring: collab-console secrets set smtp-password, and collab-console secrets set sms-token, in a terminal on the computer that sends. They are never part of these settings.</source>
        <translation>סיסמת ה־SMTP ואסימון השער נשמרים במחזיק המפתחות של המערכת: ⁦collab-console secrets set smtp-password⁩ ו־⁦collab-console secrets set sms-token⁩, במסוף במחשב השולח. הם לעולם אינם חלק מההגדרות האלה.</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>&amp;Theme</source>
        <translation>&amp;ערכת נושא</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Theme</source>
        <translation>ערכת נושא</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>System follows the desktop&apos;s light or dark setting. This is your own choice on this computer: it applies at once and needs no Save.</source>
        <translation>„מערכת” עוקבת אחר הגדרת הבהיר או הכהה של שולחן העבודה. זו הבחירה שלך במחשב הזה: היא חלה מיד ואינה דורשת שמירה.</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>&amp;Kind</source>
        <translation>&amp;סוג</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Kind</source>
        <translation>סוג</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Person</source>
        <translation>&amp;אדם</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Anyone (a full name, like admin.ana)</source>
        <translation>כל אחד (שם מלא, כמו admin.ana)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Person</source>
        <translation>אדם</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;From</source>
        <translation>&amp;מתאריך</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+13"/>
        <source>yyyy-MM-dd</source>
        <translation>yyyy-MM-dd</translation>
    </message>
    <message>
        <location line="-12"/>
        <source>From</source>
        <translation>מתאריך</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;To</source>
        <translation>&amp;עד תאריך</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>To</source>
        <translation>עד תאריך</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>S&amp;earch</source>
        <translation>&amp;חיפוש</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Text in any field: a Session ID, a setting, a value…</source>
        <translation>טקסט בכל שדה: מזהה סשן, הגדרה, ערך…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Search</source>
        <translation>חיפוש</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Audit log entries</source>
        <translation>רשומות יומן הביקורת</translation>
    </message>
</context>
<context>
    <name>SecurityWarningForm</name>
    <message>
        <location filename="../../ui_forms/security_warning.ui" line="+29"/>
        <source>Warning</source>
        <translation>אזהרה</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Warning text</source>
        <translation>טקסט האזהרה</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Acknowledge</source>
        <translation>אישור</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Acknowledged</source>
        <translation>אושר</translation>
    </message>
</context>
<context>
    <name>UnlockForm</name>
    <message>
        <location filename="../../ui_forms/unlock.ui" line="+16"/>
        <source>Enter an admin&apos;s name and passphrase to change the organisation&apos;s settings. Every attempt is recorded in the audit trail.</source>
        <translation>הזינו שם וסיסמה של מנהל מערכת כדי לשנות את הגדרות הארגון. כל ניסיון נרשם ביומן הביקורת.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Admin &amp;name</source>
        <translation>&amp;שם המנהל</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Admin name</source>
        <translation>שם המנהל</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Passphrase</source>
        <translation>&amp;סיסמה</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Passphrase</source>
        <translation>סיסמה</translation>
    </message>
</context>
</TS>
