"""The join service: the web pages a Session URL opens, and the lobby for a Session ID.

``collab-console serve`` runs it (Starlette on uvicorn) against the same
store as the console. Under the path of the Session URL base (``/join/``):

=====================  ==================================================================
``GET /join/``         the lobby: a form asking for the Session ID and the person's name
``POST /join/``        puts the request in the lobby (``Store.request_join``), 303 to status
``GET /join/TOKEN``    checks the link only (``Store.check_link``): its page and *Join*
                       button, 410 when it stopped, 404 when there is no such link
``POST /join/TOKEN``   *Join* (``Store.redeem_link``): the browser's cookie, 303 to status
``GET /join/status``   where this browser stands: joined, waiting (refreshes), turned away
=====================  ==================================================================

Opening a link never redeems it: mail-gateway scanners and chat previews
only GET. The token is never logged (:mod:`.access_log`), sent on in a
Referer, or cached (:mod:`.security`). The modules:

* :mod:`.paths`: which page a request path names, from the raw path;
* :mod:`.pages`: the HTML, every value escaped;
* :mod:`.security`: response headers, the same-origin check of forms, cookies;
* :mod:`.access_log`: one line per request, the token replaced by ``…``;
* :mod:`.workers`: the store calls, on threads that each own a store;
* :mod:`.app`: the service itself; :mod:`.server`: uvicorn around it.

Nothing here imports Qt, and nothing is imported by the console or the
other commands: only ``serve`` loads Starlette and uvicorn.
"""
