"""``sohoa user``: users of the web app and API tokens for scripts (in the relational store, ``workers.db``).

sohoa user add NAME --role operator|staff|admin [--password P]   (prompts on a terminal, else generates)
sohoa user token NAME [--label L] [--days N]                      prints a new API token (Bearer), valid N days
sohoa user tokens [NAME] [--json]                                 API tokens with their ids and expiry
sohoa user revoke ID                                              revokes one API token
sohoa user list [--json]
sohoa user set NAME [--role R] [--password P | --new-password] [--disable | --enable]
sohoa user ensure-demo                                            demo / sohoa-demo, admin (idempotent)
"""

from __future__ import annotations

import argparse
import getpass
import sys
from contextlib import closing

from ..appdb import ROLES, AppDB, generate_password
from ..errors import PermanentError
from ..services import users
from ..services.users import DEMO_PASSWORD, DEMO_USER
from ..settings import Settings
from . import emit


def _db(settings: Settings) -> closing[AppDB]:
    """The app database, closed when the ``with`` block ends."""
    return closing(AppDB.open(settings))


def _ask_password() -> str | None:
    """Prompt twice on a terminal; None when there is no terminal (then a password is generated)."""
    if not sys.stdin.isatty():
        return None
    first = getpass.getpass("Mật khẩu / password: ")
    if first != getpass.getpass("Nhập lại / again: "):
        raise PermanentError("hai mật khẩu khác nhau / passwords differ", code="bad_password")
    return first


def _cmd_add(args: argparse.Namespace) -> int:
    with _db(args.settings) as db:
        user, generated = users.add_user(db, args.name, args.role, args.password or _ask_password())
    print(f"đã tạo / created {user.name} ({user.role})")
    if user.name != args.name.strip():
        print(f"tên đăng nhập viết thường: {user.name} / user names are lower case: sign in as {user.name}")
    if generated:
        print(f"mật khẩu / password: {generated}")
    return 0


def _cmd_token(args: argparse.Namespace) -> int:
    with _db(args.settings) as db:
        token = users.new_token(db, args.name, args.label, args.days or args.settings.token_days)
    print(token)
    return 0


def _cmd_tokens(args: argparse.Namespace) -> int:
    with _db(args.settings) as db:
        rows = users.list_tokens(db, args.name)
    lines = [
        f"{r['id']:>5} {r['user']:24} {r['label'] or '-':16} hết hạn / expires {r['expires_at'] or '-'}"
        + ("  (đã hết hạn / expired)" if r["expired"] else "")
        for r in rows
    ]
    return emit(args, rows, lines)


def _cmd_revoke(args: argparse.Namespace) -> int:
    with _db(args.settings) as db:
        owner = users.revoke_token(db, args.id)
    print(f"đã thu hồi / revoked token {args.id} ({owner})")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    with _db(args.settings) as db:
        rows = users.list_users(db)
    lines = [
        f"{r['name']:24} {r['role']:9} tokens={r['tokens']}  {r['created_at']}"
        + ("" if r["active"] else "  (khóa / disabled)")
        for r in rows
    ]
    return emit(args, rows, lines)


def _cmd_set(args: argparse.Namespace) -> int:
    password = generate_password() if args.new_password else args.password
    active = None if not (args.disable or args.enable) else bool(args.enable)
    with _db(args.settings) as db:
        users.update_user(db, args.name, role=args.role, active=active, password=password)
    if args.new_password:
        print(f"mật khẩu mới / new password: {password}")
    print("đã cập nhật / updated")
    return 0


def _cmd_ensure_demo(args: argparse.Namespace) -> int:
    with _db(args.settings) as db:
        created = users.ensure_demo(db)
    what = "đã tạo / created" if created else "đã có / exists"
    print(f"{what}: {DEMO_USER} / {DEMO_PASSWORD} (admin)")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    user = sub.add_parser("user", help="users of the web app and API tokens")
    commands = user.add_subparsers(dest="user_command", required=True)

    p = commands.add_parser("add", help="create a user (password prompted, or generated and printed)")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--password")
    p.set_defaults(func=_cmd_add)

    p = commands.add_parser("token", help="print a new API token for NAME (use as 'Authorization: Bearer ...')")
    p.add_argument("name")
    p.add_argument("--label", help="what the token is for (shown in the user list)")
    p.add_argument("--days", type=int, help="days the token is valid (default SOHOA_TOKEN_DAYS, 90)")
    p.set_defaults(func=_cmd_token)

    p = commands.add_parser("tokens", help="API tokens (ids, labels, expiry), of NAME or everyone")
    p.add_argument("name", nargs="?")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_tokens)

    p = commands.add_parser("revoke", help="revoke one API token by its id (see 'tokens')")
    p.add_argument("id", type=int)
    p.set_defaults(func=_cmd_revoke)

    p = commands.add_parser("list", help="users, roles and token counts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_list)

    p = commands.add_parser("set", help="change role / password / active")
    p.add_argument("name")
    p.add_argument("--role", choices=ROLES)
    group = p.add_mutually_exclusive_group()
    group.add_argument("--password")
    group.add_argument("--new-password", action="store_true", help="generate and print a new password")
    active = p.add_mutually_exclusive_group()
    active.add_argument("--disable", action="store_true", help="lock the user out (ends sessions, revokes tokens)")
    active.add_argument("--enable", action="store_true")
    p.set_defaults(func=_cmd_set)

    p = commands.add_parser("ensure-demo", help=f"create the demo admin {DEMO_USER} / {DEMO_PASSWORD} (idempotent)")
    p.set_defaults(func=_cmd_ensure_demo)
