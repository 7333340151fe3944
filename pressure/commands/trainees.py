"""``trainees``: add and list trainee profiles (their attempts are kept for ``progress``)."""

from __future__ import annotations

import json

from ..errors import PressureError


def register(sub) -> None:
    p = sub.add_parser("trainees", help="add or list trainees",
                       description=__doc__.splitlines()[0].replace("``", ""))
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    add = actions.add_parser("add", help="add a trainee", description="Add a trainee profile.")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--notes", default="", help="free text kept with the profile")
    ls = actions.add_parser("list", help="list trainees and how many attempts each has",
                            description="List trainees and how many attempts each has.")
    ls.add_argument("--json", action="store_true", help="print one JSON list")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..trainees import add_trainee, list_trainees

    if args.action == "add":
        t = add_trainee(args.name, args.notes)
        print(f"added trainee {t.name}")
        return 0
    if args.action == "list":
        trainees = list_trainees()
        if args.json:
            print(json.dumps([t.to_dict() for t in trainees], ensure_ascii=False, indent=1))
        elif not trainees:
            print("no trainees yet; add one with 'trainees add NAME'")
        else:
            width = max(len(t.name) for t in trainees)
            for t in trainees:
                count = f"{t.attempts:>4} " + ("attempt " if t.attempts == 1 else "attempts")
                print(f"{t.name:<{width}}  {count}  since {t.created[:10]}"
                      + (f"  {t.notes}" if t.notes else ""))
        return 0
    raise PressureError("say what to do: 'trainees add NAME' or 'trainees list'")
