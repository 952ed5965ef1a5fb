"""Path rules: template parameters declared, used and required; no two paths alike.

OpenAPI 3.x, Path Templating and Paths Object: every `{name}` in a template must have an
`in: path` parameter (on the path item or the operation), such a parameter must be
`required: true`, and "templated paths with the same hierarchy but different templated names
MUST NOT exist, as they are identical".
"""

from __future__ import annotations

import re

from generator.diagnostics import Diagnostic
from generator.spec.pointers import join_pointer
from generator.spec.rules.contract import Contract, Parameter
from generator.spec.rules.walk import Node

_TEMPLATE = re.compile(r"\{([^{}]*)\}")


def template_names(path: str) -> list[str]:
    """Parameter names of a path template, in order.

    >>> template_names("/users/{id}/posts/{post_id}")
    ['id', 'post_id']
    """
    return list(dict.fromkeys(_TEMPLATE.findall(path)))


def check_paths(contract: Contract) -> list[Diagnostic]:
    """Path parameter and ambiguous-path findings."""
    return [*_path_parameters(contract), *_ambiguous(contract)]


def _path_parameters(c: Contract) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    seen: set[str] = set()
    for template, item in c.path_items:
        names = template_names(template)
        for param in c.parameter_list(item):
            found.extend(_check_declared(c, template, names, param, seen))
        for op in c.operations_of(template, item):
            for param in c.parameter_list(Node(op.pointer, op.node)):
                found.extend(_check_declared(c, op.label, names, param, seen))
            declared = {p.name for p in c.parameters(op) if p.location == "path"}
            for name in names:
                if name not in declared:
                    message = (
                        f'{op.label}: path parameter "{name}" is not declared; add '
                        f"{{name: {name}, in: path, required: true}} to its parameters"
                    )
                    found.append(c.diag("path-param-undeclared", message, op.pointer))
    return found


def _check_declared(
    c: Contract, label: str, names: list[str], param: Parameter, seen: set[str]
) -> list[Diagnostic]:
    """An `in: path` parameter must appear in the template and be required (once per site)."""
    if param.location != "path":
        return []
    found: list[Diagnostic] = []
    if param.name not in names and param.site not in seen:
        seen.add(param.site)
        message = f'{label}: path parameter "{param.name}" does not appear in the path template'
        found.append(c.diag("path-param-unused", message, param.site))
    if param.node.get("required") is not True and "required:" + param.pointer not in seen:
        seen.add("required:" + param.pointer)
        pointer = param.pointer
        if "required" in param.node:
            pointer = join_pointer(pointer, "required")
        message = f'{label}: path parameter "{param.name}" must be declared with required: true'
        found.append(c.diag("path-param-not-required", message, pointer))
    return found


def _ambiguous(c: Contract) -> list[Diagnostic]:
    """Templates equal once names are ignored: served in contract order, the later shadowed.

    OpenAPI calls such paths identical; a router tries them in order, so for each method both
    define, the first path's operation answers every request (`runtime.route_order.serve_in_order`
    puts concrete paths before templated ones, equal templates in contract order).
    """
    found: list[Diagnostic] = []
    first: dict[str, tuple[str, Node]] = {}
    for template, item in c.path_items:
        shape = _TEMPLATE.sub("{}", template)
        if shape not in first:
            first[shape] = (template, item)
            continue
        other, earlier = first[shape]
        here, there = join_pointer("/paths", template), join_pointer("/paths", other)
        same = f'path "{template}" is the same as "{other}"'
        lost = _shadowed(c, template, item, other, earlier)
        if lost:
            # the unreachable operations first: a long message is cut at its end
            message = (
                f"{lost} is never reached: {same} once parameter names are ignored, and "
                f'requests are served by "{other}" ({c.where(there)}), listed first'
            )
        else:
            message = (
                f"{same} ({c.where(there)}) once parameter names are ignored; no method is on "
                "both, so each request still reaches one operation"
            )
        found.append(c.diag("ambiguous-path", message, here, (there,)))
    return found


def _shadowed(c: Contract, template: str, item: Node, other: str, earlier: Node) -> str:
    """The operations of the later path no request reaches (those the earlier one also has)."""
    before = {op.method for op in c.operations_of(other, earlier)}
    lost = [op for op in c.operations_of(template, item) if op.method in before]
    return ", ".join(
        f"{op.label}" + (f" ({op.node['operationId']})" if "operationId" in op.node else "")
        for op in lost
    )
