"""422 answers: each error gets a stable `code` and a message naming its field, zh or en.

Pydantic's error types become short phrases in both languages; domain errors (and our own
validators) carry both languages in the error's context (`en`, `zh`) and keep them, without
the subject they may start with, since the label now comes first: `数量：须大于 0`.
"""

from __future__ import annotations

from typing import Any

from api.labels import LABELS, labels_of

Phrase = tuple[str, str, str]  # code, en, zh


def _bounds(ctx: dict[str, Any]) -> dict[str, Any]:
    return {key: ctx.get(key) for key in ("gt", "ge", "lt", "le", "min_length", "max_length")}


def _length(kind: str, code: str, bound: tuple[str, str], limit: Any) -> Phrase:
    """A length bound, counted in characters (strings) or items (lists)."""
    unit = ("characters", "个字符") if kind.startswith("string_") else ("items", "项")
    return code, f"{bound[0]} {limit} {unit[0]}", f"{bound[1]} {limit} {unit[1]}"


def _phrase(kind: str, ctx: dict[str, Any]) -> Phrase | None:
    b = _bounds(ctx)
    if kind == "missing":
        return "missing", "is required", "必填"
    if kind in {"string_too_long", "too_long"}:
        return _length(kind, "too_long", ("must be at most", "最多"), b["max_length"])
    if kind in {"string_too_short", "too_short"}:
        if b["min_length"] == 1:
            return "too_short", "must not be empty", "不能为空"
        return _length(kind, "too_short", ("must be at least", "至少"), b["min_length"])
    comparisons = {
        "greater_than": ("gt", "must be greater than", "须大于"),
        "greater_than_equal": ("ge", "must be at least", "不能小于"),
        "less_than": ("lt", "must be less than", "须小于"),
        "less_than_equal": ("le", "must be at most", "不能大于"),
    }
    if kind in comparisons:
        key, en, zh = comparisons[kind]
        return "out_of_range", f"{en} {b[key]}", f"{zh} {b[key]}"
    if kind.startswith("decimal_") and kind.endswith(("_digits", "_places")):
        return "too_many_digits", "has too many digits", "位数过多"
    if kind == "multiple_of":
        step = ctx.get("multiple_of")
        return "invalid_value", f"must be a multiple of {step}", f"须为 {step} 的倍数"
    if kind in {"literal_error", "enum"}:
        expected = str(ctx.get("expected", ""))
        return "invalid_choice", f"must be one of {expected}", f"须为以下之一：{expected}"
    return None


# Pydantic error types → (code, en, zh) that a prefix in SIMPLE would misread.
EXACT: dict[str, Phrase] = {
    "finite_number": ("not_a_number", "must be a finite number", "须为有限的数值"),
    "datetime_future": ("not_in_future", "must be in the future", "须晚于当前时间"),
    "date_future": ("not_in_future", "must be in the future", "须晚于当前日期"),
    "datetime_past": ("not_in_past", "must be in the past", "须早于当前时间"),
    "date_past": ("not_in_past", "must be in the past", "须早于当前日期"),
    "timezone_naive": ("unexpected_offset", "must not have an offset", "不能带时区偏移"),
    "timezone_offset": ("wrong_offset", "has the wrong offset", "时区偏移不正确"),
    "string_not_ascii": ("invalid_text", "must be ASCII text", "须为 ASCII 文本"),
    "json_type": ("invalid_json", "must be JSON text", "须为 JSON 文本"),
    "none_required": ("invalid_value", "must be null", "须为 null"),
}

A_LIST = ("not_a_list", "must be a list", "须为列表")
AN_OBJECT = ("not_an_object", "must be a JSON object", "须为 JSON 对象")
A_NUMBER = ("not_a_number", "must be a number", "须为数字")
A_STRING = ("not_a_string", "must be a string", "须为字符串")

# Pydantic error type prefix → (code, en, zh), for the types whose phrase needs no context.
SIMPLE: dict[str, Phrase] = {
    "int": ("not_an_integer", "must be a whole number", "须为整数"),
    "decimal": A_NUMBER,
    "float": A_NUMBER,
    "bool": ("not_a_boolean", "must be true or false", "须为 true 或 false"),
    "string_type": A_STRING,
    "string_unicode": ("invalid_text", "is not valid Unicode text", "不是有效的 Unicode 文本"),
    "string_pattern_mismatch": ("invalid_format", "has the wrong format", "格式不正确"),
    "uuid": ("not_a_uuid", "must be a UUID", "须为 UUID"),
    "timezone_aware": (
        "missing_offset",
        "needs an offset such as +08:00 or Z",
        "须带时区偏移，例如 +08:00 或 Z",
    ),
    "datetime": ("not_a_datetime", "must be a date and time with offset", "须为带时区的日期时间"),
    "date": ("not_a_date", "must be a date (YYYY-MM-DD)", "须为日期（YYYY-MM-DD）"),
    "extra_forbidden": ("unknown_field", "is not a known field", "不是可接受的字段"),
    "model_": AN_OBJECT,
    "dict_type": AN_OBJECT,
    "list_type": A_LIST,
    "json_invalid": ("invalid_json", "is not valid JSON", "不是有效的 JSON"),
    "value_error": ("invalid_value", "is not valid", "无效"),
    "union_tag": ("invalid_choice", "is not one of the accepted kinds", "不是可接受的类型"),
    "set_type": A_LIST,
    "tuple_type": A_LIST,
    "frozen_set_type": A_LIST,
    "iterable_type": A_LIST,
    "mapping_type": AN_OBJECT,
    "time_delta": ("not_a_duration", "must be a duration", "须为时长"),
    "time": ("not_a_time", "must be a time of day", "须为时刻"),
    "bytes": A_STRING,
    "url": ("invalid_url", "must be a valid URL", "须为有效的网址"),
    "missing_": ("missing", "is required", "必填"),
    "control_characters": (
        "control_characters",
        "must not contain control characters (NUL, escape …)",
        "不能包含控制字符（如 NUL、ESC）",
    ),
}


def without_subject(text: str, field: str, chinese: bool) -> str:
    """A domain message without its leading subject (`quantity must …` → `must …`)."""
    name = field.rsplit(".", 1)[-1]
    en, zh = LABELS.get(name, (name, name))
    for subject in (name, en.lower(), zh):
        if subject and text.lower().startswith(subject.lower()):
            rest = text[len(subject) :]
            if chinese or rest.startswith(" "):
                return rest.strip() or text
    return text


def describe(error: dict[str, Any], field: str) -> Phrase:
    """The code and the phrase (en, zh) of one pydantic error, without its field's label."""
    kind, ctx = str(error.get("type", "")), dict(error.get("ctx") or {})
    if "en" in ctx and "zh" in ctx:
        en, zh = str(ctx["en"]), str(ctx["zh"])
        return kind, without_subject(en, field, False), without_subject(zh, field, True)
    if kind == "value_error" and field.endswith("email"):
        return "invalid_email", "is not a valid email address", "不是有效的电子邮箱地址"
    phrase = _phrase(kind, ctx) or EXACT.get(kind)
    if phrase is not None:
        return phrase
    for prefix, simple in SIMPLE.items():
        if kind.startswith(prefix):
            if kind == "value_error" and error.get("msg"):
                text = str(error["msg"]).removeprefix("Value error, ")
                return simple[0], without_subject(text, field, False), simple[2]
            return simple
    # A type not mapped above: pydantic's English, and a Chinese phrase for zh readers.
    return "invalid_value", str(error.get("msg", "is not valid")), "无效"


def message(field: str, phrase: str, chinese: bool) -> str:
    """`Quantity: must be greater than 0` / `数量：须大于 0`."""
    en, zh = labels_of(field)
    return f"{zh}：{phrase}" if chinese else f"{en}: {phrase}"
