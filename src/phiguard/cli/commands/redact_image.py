"""``phiguard redact-image``: a copy of an image without its metadata, with what phiguard flags in it
covered (:mod:`phiguard.rewrite.image`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from phiguard.cli import options
from phiguard.errors import InputError

NAME = "redact-image"
HELP = "write a copy of an image without metadata, flagged text covered"


def arguments(red: argparse.ArgumentParser) -> None:
    red.add_argument("images", nargs="+", type=Path)
    options.common(red, attached=False)
    red.add_argument("--output", "-o", type=Path, help="where to write the copy (one image only)")
    red.add_argument("--suffix", default=".redacted", help="added to the name of each copy (default: .redacted)")
    red.add_argument("--faces", action="store_true", help="cover detected faces too")
    options.value_flags(red, "print the covered values unmasked")


def run(args: argparse.Namespace) -> int:
    from phiguard.rewrite.image import check_suffix, check_target, redact

    if args.output and len(args.images) > 1:
        raise InputError("--output names one file, and more than one image was given", "use --suffix instead")
    check_suffix(args.suffix)
    config, _ = options.config_of(args, [str(p) for p in args.images])
    linter = options.LINTERS.get(config)
    targets = [args.output or image.with_name(image.stem + args.suffix + image.suffix) for image in args.images]
    for target in targets:  # before anything is written: no output may be (a link to) an original
        check_target(target, [*map(str, args.images), *options.inputs_of(args, config)])
    for image, target in zip(args.images, targets, strict=True):
        done = redact(linter, image, target, lang=args.lang, faces=args.faces, originals=args.images)
        covered = ", ".join(
            f"{c.rule} {c.shown(args.show_values, options.mask_style(args, config))}" for c in done.covered
        )
        print(
            f"phiguard: {image} -> {target}: metadata removed ({', '.join(done.removed) or 'none found'}); "
            f"{len(done.covered)} area(s) covered{': ' + covered if covered else ''}",
            file=sys.stderr,
        )
    return 0
