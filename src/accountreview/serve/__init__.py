"""The app in a browser: `accountreview serve`, on textual-serve, signed in and offline.

`signin` holds who may in (a token or passwords, the cookie, the Origin rule), `session`
one tab's app process (started without a shell, ended with its tab or when idle),
`server` the web server that puts them together. Only `cli/serve.py` imports this
package, and only when `serve` runs, so no other command loads aiohttp or Textual.
"""
