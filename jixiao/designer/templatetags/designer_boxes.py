"""`{% box name label %}` renders one box of the designer from the page's fields and
remembers it; `{% rest %}` carries every field not shown as a hidden input, so what
the page posts back is the whole design."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


def _seen(context: Any) -> set[str]:
    seen = context.get("rendered")
    if seen is None:
        raise template.TemplateSyntaxError("the designer's page needs `rendered` in its context")
    return seen  # type: ignore[no-any-return]


@register.simple_tag(takes_context=True)
def box(
    context: Any,
    name: str,
    label: str = "",
    kind: str = "text",
    choices: Any = None,
    size: str = "",
    hint: str = "",
    problem: str = "",
) -> SafeString:
    fields = context["fields"]
    value = fields.get(name, "")
    _seen(context).add(name)
    if not problem:
        problem = (context.get("form_problems") or {}).get(name, "")
    ident = "f-" + name
    attrs = format_html(' id="{}" name="{}"', ident, name)
    if problem:
        attrs += format_html(' aria-invalid="true" aria-describedby="{}-problem"', ident)
    if kind == "select":
        options = list(choices or [])
        if value not in [v for v, _l in options]:
            options.append((value, value))
        inner = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((v, " selected" if v == value else "", text) for v, text in options),
        )
        control = format_html("<select{}>{}</select>", attrs, inner)
    elif kind == "textarea":
        control = format_html('<textarea{} rows="3" spellcheck="false">{}</textarea>', attrs, value)
    elif kind == "hidden":
        return format_html('<input type="hidden"{} value="{}">', attrs, value)
    elif kind == "check":
        control = format_html(
            '<input type="checkbox"{} value="1"{}>', attrs, " checked" if value else ""
        )
    else:
        control = format_html(
            '<input{} value="{}"{}>', attrs, value, format_html(' size="{}"', size) if size else ""
        )
    parts = []
    if label:
        parts.append(format_html('<label for="{}">{}</label>', ident, label))
    parts.append(control)
    if hint:
        parts.append(format_html('<span class="helptext">{}</span>', hint))
    if problem:
        parts.append(format_html('<span class="problem" id="{}-problem">{}</span>', ident, problem))
    return format_html(
        '<span class="box box-{}">{}</span>',
        kind,
        format_html_join("", "{}", ((p,) for p in parts)),
    )


@register.simple_tag(takes_context=True)
def mark(context: Any, name: str) -> str:
    """The template renders this field itself."""
    _seen(context).add(name)
    return ""


@register.simple_tag(takes_context=True)
def rest(context: Any) -> SafeString:
    seen = _seen(context)
    # an empty box reads as an absent one: only boxes with something in them are carried
    hidden = [(n, v) for n, v in context["fields"].items() if n not in seen and v]
    return format_html_join("", '<input type="hidden" name="{}" value="{}">', hidden)


@register.filter
def field(fields: dict[str, str], name: str) -> str:
    return fields.get(name, "")


@register.filter
def count(fields: dict[str, str], name: str) -> range:
    try:
        return range(int(fields.get(name, "0") or 0))
    except ValueError:
        return range(0)


@register.simple_tag
def join(*parts: Any) -> str:
    return "".join(str(p) for p in parts)


@register.filter
def entries(fields: dict[str, str], name: str) -> list[dict[str, str]]:
    """The rows of a mapping, a table or named parts shown as rows: their boxes' names."""
    try:
        count = int(fields.get(name + ".rows", "0") or 0)
    except ValueError:
        count = 0
    return [
        {
            "i": str(i),
            "key": f"{name}.{i}.key",
            "value": f"{name}.{i}.value",
            "name": f"{name}.{i}.name",
            "base": f"{name}.{i}",
            "when": f"{name}.row{i}.when",
            "score": f"{name}.row{i}.score",
        }
        for i in range(count)
    ]


@register.filter
def slots(fields: dict[str, str], name: str) -> list[str]:
    """The raters of a `final` order, one select each, at least three."""
    chosen = [v.strip() for v in fields.get(name, "").split(",") if v.strip()]
    return [*chosen, "", "", ""][: max(3, len(chosen))]


@register.simple_tag(takes_context=True)
def problem_at(context: Any, name: str) -> SafeString:
    """The problem of a part shown as rows (a mapping, a table), beside it."""
    text = (context.get("form_problems") or {}).get(name, "")
    if not text:
        return SafeString("")
    return format_html('<p class="problem" role="alert">{}</p>', text)
