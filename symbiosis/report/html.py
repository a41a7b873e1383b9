"""The report as one self-contained HTML file: pictures inline as base64 PNG, no script, no
network. Every text from a park file is escaped (Jinja2 autoescape), so a firm called
``<script>`` stays text."""

from __future__ import annotations

import base64

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from symbiosis.report.document import Picture, Report, Table

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="symbiosis {{ version }}">
<title>{{ report.title }}</title>
<style>
  :root { --ink: #1a1a1a; --muted: #5f6368; --line: #d9d9d9; --accent: #0072B2; --good: #00795a; }
  * { box-sizing: border-box; }
  body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: var(--ink); margin: 0 auto;
         max-width: 1180px; padding: 24px 32px 48px; line-height: 1.45; font-size: 15px; background: white; }
  h1 { font-size: 26px; margin: 0 0 4px; }
  h2 { font-size: 20px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--accent); }
  h3 { font-size: 16px; margin: 18px 0 6px; }
  .subtitle { color: var(--muted); margin: 0 0 20px; }
  .headline { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px; }
  .figure { border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; }
  .figure .label { color: var(--muted); font-size: 13px; text-transform: uppercase; letter-spacing: .04em; }
  .figure .value { font-size: 22px; font-weight: bold; margin: 2px 0; }
  .figure .note { color: var(--muted); font-size: 13px; }
  nav { margin: 20px 0 0; font-size: 14px; }
  nav a { color: var(--accent); margin-right: 14px; text-decoration: none; white-space: nowrap; }
  img { max-width: 100%; height: auto; display: block; margin: 8px auto; }
  figcaption { color: var(--muted); font-size: 13px; text-align: center; }
  .scroll { overflow-x: auto; }
  table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 13px; }
  th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
  th { background: #f3f5f7; font-weight: 600; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  td.num { white-space: nowrap; }
  tbody tr:nth-child(even) { background: #fafafa; }
  footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
  @media print {
    body { max-width: none; padding: 0; font-size: 11pt; }
    h2 { break-after: avoid; }
    figure, .figure, tr { break-inside: avoid; }
    nav { display: none; }
  }
</style>
</head>
<body>
<header>
  <h1>{{ report.title }}</h1>
  <p class="subtitle">{{ report.subtitle }}</p>
  <section class="headline" id="headline" aria-label="headline figures">
  {%- for item in report.headline %}
    <div class="figure"><div class="label">{{ item.label }}</div><div class="value">{{ item.value }}</div>
      <div class="note">{{ item.note }}</div></div>
  {%- endfor %}
  </section>
  <nav>{% for section in report.sections %}
    <a href="#{{ section.key }}">{{ section.title }}</a>{% endfor %}
  </nav>
</header>
<main>
{%- for section in report.sections %}
<section id="{{ section.key }}">
  <h2>{{ section.title }}</h2>
  {%- for block in section.blocks %}
    {%- if block.kind == "paragraph" %}
  <p>{{ block.text }}{% if block.link %} <a href="{{ block.link }}">{{ block.link_text }}</a>{% endif %}</p>
    {%- elif block.kind == "picture" %}
  <figure><img src="data:image/png;base64,{{ images[block_id(block)] }}" alt="{{ block.caption }}"
       width="{{ (block.size_px[0] * 0.64) | int }}" height="{{ (block.size_px[1] * 0.64) | int }}">
    <figcaption>{{ block.caption }}</figcaption></figure>
    {%- elif block.kind == "table" %}
      {%- if block.title %}<h3>{{ block.title }}</h3>{% endif %}
  <div class="scroll"><table>
    <thead><tr>{% for column in block.columns %}
      <th{{ num(loop.index0, block) }}>{{ column }}</th>{% endfor %}
    </tr></thead>
    <tbody>
    {%- for row in block.rows %}
      <tr>{% for cell in row %}<td{{ num(loop.index0, block) }}>{{ cell }}</td>{% endfor %}</tr>
    {%- endfor %}
    </tbody>
  </table></div>
    {%- endif %}
  {%- endfor %}
</section>
{%- endfor %}
</main>
<footer>Made by symbiosis {{ version }} on {{ report.generated }}.
  Self-contained: no network is needed to view or print it.</footer>
</body>
</html>
"""

_environment = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=False, lstrip_blocks=False)
_template = _environment.from_string(TEMPLATE)


def render_html(report: Report) -> str:
    """The report as one HTML document (a string)."""
    from symbiosis import __version__

    images = {id(block): base64.b64encode(block.png).decode("ascii")
              for section in report.sections for block in section.blocks if isinstance(block, Picture)}
    return _template.render(report=report, images=images, block_id=id, version=__version__, num=_numeric)


def _numeric(column: int, table: Table) -> Markup:
    """The class of a right-aligned (numeric) cell."""
    return Markup(' class="num"') if column in table.numeric else Markup("")
