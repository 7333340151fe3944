"""``clients``: the client list: add, list, rename, merge, erase (with every recording), export
and import one client's records (docs/clinical.md)."""

from __future__ import annotations

import json

from ..errors import PressureError


def register(sub) -> None:
    p = sub.add_parser("clients", help="the client list: add, rename, merge, erase, export, import",
                       description="The client list kept beside the session library: add, list, "
                                   "rename, merge, erase a client with every recording of theirs, "
                                   "export one client's records as one archive and import it.")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    add = actions.add_parser("add", help="add a client", description="Add a client.")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--notes", default="", help="free text kept with the client")
    ls = actions.add_parser("list", help="list clients and how many recordings each has",
                            description="List clients and how many recordings each has.")
    ls.add_argument("--json", action="store_true", help="print one JSON list")
    rn = actions.add_parser("rename", help="rename a client (the old name stays theirs)",
                            description="Rename a client; recordings labelled with the old name stay theirs.")
    rn.add_argument("name", metavar="NAME")
    rn.add_argument("new_name", metavar="NEW_NAME")
    mg = actions.add_parser("merge", help="merge a client into another (same person entered twice)",
                            description="Merge client SOURCE into TARGET: SOURCE's recordings become TARGET's.")
    mg.add_argument("source", metavar="SOURCE")
    mg.add_argument("target", metavar="TARGET")
    er = actions.add_parser("erase", help="erase a client and every recording of theirs",
                            description="Erase a client and every recording of theirs (the right to "
                                        "erasure): files, stored attempts and references made from them.")
    er.add_argument("name", metavar="NAME")
    er.add_argument("--yes", action="store_true", help="really erase (without it: list what would go)")
    ex = actions.add_parser("export", help="one client's records as one archive (.zip)",
                            description="Write one client's records (recordings + index.json) as one zip.")
    ex.add_argument("name", metavar="NAME")
    ex.add_argument("out", metavar="OUT.zip")
    ex.add_argument("--force", action="store_true", help="replace an existing OUT.zip")
    im = actions.add_parser("import", help="bring a client archive into this library",
                            description="Import a client archive made by 'clients export'.")
    im.add_argument("archive", metavar="ARCHIVE.zip")
    for q in (rn, mg, er, ex, im):
        q.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


def _out(args, data: dict, text: str) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=1) if getattr(args, "json", False) else text)


def run(args) -> int:
    from ..clinical import clients

    if args.action == "add":
        c = clients.add_client(args.name, args.notes)
        print(f"added client {c.name}")
        return 0
    if args.action == "list":
        from ..clinical.records import library, recordings_of

        sessions = library()  # read once, whatever the number of clients
        rows = [(c, len(recordings_of(c, sessions=sessions))) for c in clients.list_clients()]
        if args.json:
            print(json.dumps([{**c.to_dict(), "recordings": n} for c, n in rows], ensure_ascii=False, indent=1))
        elif not rows:
            print("no clients yet; add one with 'clients add NAME'")
        else:
            width = max(len(c.name) for c, _ in rows)
            for c, n in rows:
                former = c.former_names()
                print(f"{c.name:<{width}}  {n:>4} recording{' ' if n == 1 else 's'}  since {c.created[:10]}"
                      + (f"  (formerly {', '.join(former)})" if former else ""))
        return 0
    if args.action == "rename":
        c = clients.rename_client(args.name, args.new_name)
        _out(args, c.to_dict(), f"renamed {args.name} to {c.name}")
        return 0
    if args.action == "merge":
        c = clients.merge_clients(args.source, args.target)
        _out(args, c.to_dict(), f"merged {args.source} into {c.name}")
        return 0
    if args.action == "erase":
        from ..clinical.records import erase_client, recordings_of

        if not args.yes:
            c = clients.get_client(args.name)
            files = [str(i.path) for i in recordings_of(c)]
            _out(args, {"client": c.name, "would_remove": files},
                 "\n".join([*files, f"erasing {c.name} would remove {len(files)} recording(s) and the "
                                    f"client; run again with --yes to erase"]))
            return 1
        result = erase_client(args.name)
        _out(args, result.to_dict(), result.text())
        return 1 if result.failed else 0
    if args.action == "export":
        from ..clinical.archive import export_client

        index = export_client(args.name, args.out, force=args.force)
        n = len(index["recordings"])
        _out(args, {"archive": str(args.out), "recordings": n},
             f"wrote {args.out}: {index['client']['name']}, {n} recording{'' if n == 1 else 's'}")
        return 0
    if args.action == "import":
        from ..clinical.archive import import_archive

        result = import_archive(args.archive)
        _out(args, result, f"imported {result['client']}: {len(result['imported'])} recording(s)"
             + (f", {len(result['skipped'])} already here" if result["skipped"] else ""))
        return 0
    raise PressureError("say what to do: 'clients add|list|rename|merge|erase|export|import' (see --help)")
