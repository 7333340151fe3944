"""``reference``: mark a recorded demonstration as the reference for a routine, or show them."""

from __future__ import annotations

import json

from ..errors import PressureError


def register(sub) -> None:
    p = sub.add_parser("reference", help="set or show the reference recording of a routine",
                       description=__doc__.splitlines()[0].replace("``", ""))
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    s = actions.add_parser("set", help="make FILE the reference for its routine (or --routine)",
                           description="Make FILE the reference (the ghost trace) for its routine.")
    s.add_argument("file", metavar="FILE")
    s.add_argument("--routine", metavar="NAME|FILE",
                   help="the routine it demonstrates (default: the routine recorded in FILE)")
    s.add_argument("--force", action="store_true",
                   help="set it even if it does not cover the routine or scores below 80")
    show = actions.add_parser("show", help="list the references (or the one of --routine)",
                              description="List the references, or the one of --routine.")
    show.add_argument("--routine", metavar="NAME|FILE")
    show.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..references import find_reference, list_references, resolve_routine_name, set_reference

    if args.action == "set":
        ref = set_reference(args.file, args.routine, force=args.force)
        print(f"reference for {ref.routine!r}: {ref.source} (kept as {ref.path})")
        return 0
    if args.action == "show":
        if args.routine:
            one = find_reference(args.routine)
            if one is None:
                raise PressureError(f"no reference set for {resolve_routine_name(args.routine)!r}; "
                                    "set one with 'reference set FILE --routine NAME'")
            refs = [one]
        else:
            refs = list_references()
        if args.json:
            print(json.dumps([r.to_dict() for r in refs], ensure_ascii=False, indent=1))
        elif not refs:
            print("no references set; set one with 'reference set FILE --routine NAME'")
        for r in refs if not args.json else ():
            print(f"{r.routine}: {r.source} (set {r.set_at[:16].replace('T', ' ')}, kept as {r.path})")
        return 0
    raise PressureError("say what to do: 'reference set FILE [--routine NAME]' or 'reference show'")
