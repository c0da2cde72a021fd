"""The photo: one package for its life, whatever shows it (a project, or a page's hero, portrait or
gallery).

- `lifecycle`: every status change (and the refusal of those that make no sense), retry, sweep,
  reprocess, and the names of the photo's job kinds;
- `homes`: where a photo lives (the photos table, or its page), so the rest is written once;
- `uploads`: a project photo's direct upload and callback, a page photo stored with its form;
- `processing`: the job that renders a photo's variants; `files`: storing, copying, discarding them;
- `rerender`: new files after a settings change or a photo's own credit edit; `cuts`: the hero's
  phone cut and link previews, cut around the focal point in jobs; `quality`: what each quality
  choice weighs on one photo of the site, measured in a job;
- `watermarks`: which photos carry the site's watermark, and which mark;
- `moves`: a client gallery's files on the private side; `pages`: a page's photos chosen from the
  portfolio, and what a client gallery takes back from the pages;
- `edits`: the photographer's changes (text, credit, focal point, order, trash).

The pipeline itself is `sgoodie.images` (pure), storage `sgoodie.blobs`, the HTTP side `media`.
"""

from __future__ import annotations

from flask import Flask

from ..jobs import JobKind, registry
from . import cuts, moves, processing, quality, rerender
from .lifecycle import MOVE, PROCESS, RERENDER_CHANGED, SWEEP, SWEEP_EVERY, TransitionRefused, sweep

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    """Register the photo's job kinds and its reactions to content changes."""
    jobs = registry(app)
    jobs.register(JobKind(PROCESS, _settled_quietly(processing.process), gave_up=processing.gave_up))
    jobs.register(JobKind(MOVE, _settled_quietly(moves.move_files)))
    jobs.register(JobKind(RERENDER_CHANGED, rerender.rerender_changed))
    jobs.register(JobKind(SWEEP, sweep, every=SWEEP_EVERY))
    cuts.register(jobs, app)
    quality.register(jobs)
    moves.connect_signals(app)
    rerender.connect_signals(app)


def _settled_quietly(job):
    """A job whose photo another job settled meanwhile (a duplicate message for a ready photo) has
    nothing left to do: not an error, nothing to retry."""

    def run(**arguments):
        try:
            return job(**arguments)
        except TransitionRefused as exc:
            processing.log.info("photo %s: %s", arguments, exc)
            return None

    return run
