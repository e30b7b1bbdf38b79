"""The web app: server-rendered Vietnamese pages (Jinja2, autoescaped) plus a little vanilla JS.

``site.mount_web(app)`` adds it to an API app. The pages call the same services as the API and use
its dependencies (``workers.api.deps``); nothing here is imported by the API's routes.
"""
