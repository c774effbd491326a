"""The Jinja2 environment of the report, the monthly review and the digests (templates in ``templates/``).

* ``autoescape`` is on for ``.html`` templates (``select_autoescape``): every value printed with ``{{ }}`` that
  is not already ``Markup`` is escaped. The escaping is the report's own (``escape_html``: secrets scrubbed, then
  ``html.escape`` with quotes), applied by ``finalize`` so it reaches every value and writes the same entities
  as before (``&#x27;``, ``&quot;``; MarkupSafe would write ``&#39;``, ``&#34;``, equally valid but other bytes).
* ``StrictUndefined``: a variable a template names and the code does not pass fails loudly, never renders empty.
* Markdown and plain-text templates are not escaped by Jinja; they escape with the ``md`` filter where needed.
* ``trim_blocks`` and ``lstrip_blocks``: a line holding only a tag leaves nothing; the HTML templates use
  ``-`` whitespace control so the page is written on one line, as before.
* French typography is one rule applied here (``render``): a template rendered with ``lang`` ``fr`` gets
  ``pac_core.text.french_spacing`` on its text (an HTML page's text between tags, never its tags, attributes or
  style sheet), so no French string, whichever table or engine sentence it comes from, breaks before « : » or
  inside « » (audit janmeet F7).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template, pass_eval_context, select_autoescape
from jinja2.nodes import EvalContext
from markupsafe import Markup

from pac_core.text import french_spacing
from sync_jobs.logs import redact
from sync_jobs.report.i18n import counted, enum_label
from sync_jobs.report.scrub import scrub

PACE_SYMBOLS = {"done": "✓", "on_track": "●", "at_risk": "▲", "late": "✕", "not_started": "○", "inactive": "–"}
_MD_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\|*_`[]<>#$"})   # $: read as mathematics by GitHub, Obsidian…


def escape_html(text: object) -> str:
    """Secrets scrubbed, then text- and attribute-safe: ``<``, ``>``, ``&``, ``"`` and ``'`` become entities."""
    return escape(scrub("" if text is None else str(text)), quote=True)


def escape_md(text: object) -> str:
    """Plain text safe in a Markdown table cell or line: secrets scrubbed, one line, markup characters escaped."""
    return scrub("" if text is None else str(text)).replace("\r", " ").replace("\n", " ").translate(_MD_SPECIAL)


@pass_eval_context
def _finalize(ctx: EvalContext, value: Any) -> Any:
    if ctx.autoescape and not isinstance(value, Markup):
        return Markup(escape_html(value))   # noqa: S704 (escaped on this line)
    return value


ENV = Environment(
    loader=PackageLoader("sync_jobs.report", "templates"),
    autoescape=select_autoescape(["html", "svg"], default_for_string=True, default=False),
    undefined=StrictUndefined,
    finalize=_finalize,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
    auto_reload=False,
)
ENV.filters["md"] = escape_md
ENV.filters["message"] = redact     # pac's own messages (a run's errors): redacted as a log line, then escaped
ENV.globals.update(enum_label=enum_label, pace_symbols=PACE_SYMBOLS, counted=counted)


def template(name: str) -> Template:
    return ENV.get_template(name)


def render(name: str, values: Mapping[str, Any]) -> str:
    """The template ``name`` (``review/page.html``) rendered with ``values``; French typography when
    ``values["lang"]`` is ``fr`` (module docstring)."""
    out = ENV.get_template(name).render(values)
    if values.get("lang") != "fr":
        return out
    return french_html(out) if name.endswith(".html") else french_spacing(out)


_HTML_NOT_TEXT = re.compile(r"(<style\b.*?</style>|<!--.*?-->|<[^>]*>)", re.DOTALL | re.IGNORECASE)


def french_html(page: str) -> str:
    """``french_spacing`` on an HTML page's text only: tags, attributes, comments and the style sheet are left as
    written (in CSS a no-break space is no space: « color: red !important » would break)."""
    parts = _HTML_NOT_TEXT.split(page)
    return "".join(part if i % 2 else french_spacing(part) for i, part in enumerate(parts))


def macros(name: str) -> Any:
    """The macros of a template (``widgets.html``: ``empty``), callable from Python; each returns ``Markup``."""
    return ENV.get_template(name).module


def markup(html: str) -> Markup:
    """HTML built by the report's code from escaped parts (a chart, a section's rows), inserted as is.

    The one place where a string becomes trusted HTML: every caller builds it with ``escape_html``/``e``.
    """
    return Markup(html)   # noqa: S704 (see the docstring)
