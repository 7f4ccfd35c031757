"""SPF records (RFC 7208) parsed and expanded: every include: and redirect= followed.

The DNS lookups are injected (`SpfLookups`), so this module is pure logic and testable
without a network; `dns_check` plugs dnspython in. The expansion gives the tree (which
record included which), the flattened list of mechanisms the receiver really evaluates,
the count of DNS-querying terms against the limit of 10 (RFC 7208 4.6.4), void lookups
(limit 2), loops and syntax errors, the sentences in the current language (`core.i18n`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from mailtui.core.i18n import tr

LOOKUP_LIMIT = 10
VOID_LIMIT = 2
MAX_DEPTH = 20  # stop following includes past this: a loop we did not catch, or abuse
_MECHANISMS = frozenset({"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"})
_LOOKUP_TERMS = frozenset({"include", "a", "mx", "ptr", "exists", "redirect"})
_MODIFIER = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]*)=(.*)$")
_MECHANISM = re.compile(r"^([+?~-]?)([A-Za-z0-9]+)(?:[:](.*?))?(/\d+(?://\d+)?|//\d+)?$")


class SpfLookups(Protocol):
    """The DNS queries SPF needs. Each returns None for NXDOMAIN / no data (a void lookup)."""

    def txt(self, name: str) -> list[str] | None: ...
    def exists(self, name: str) -> bool | None: ...
    def addresses(self, name: str) -> list[str]: ...
    def mx_hosts(self, name: str) -> list[str]: ...


@dataclass(frozen=True)
class SpfTerm:
    """One term: a mechanism (qualifier + name + value) or a modifier (name=value)."""

    qualifier: str  # "+", "-", "~", "?" ("" for modifiers)
    name: str  # "ip4", "include", "redirect", ...
    value: str | None
    raw: str
    is_modifier: bool = False

    @property
    def counts_lookup(self) -> bool:
        """True for the terms that cost a DNS query (RFC 7208 4.6.4)."""
        return self.name in _LOOKUP_TERMS


@dataclass(frozen=True)
class SpfRecord:
    """A parsed "v=spf1 ..." record."""

    raw: str
    terms: tuple[SpfTerm, ...]
    errors: tuple[str, ...]

    @property
    def redirect(self) -> str | None:
        return next((t.value for t in self.terms if t.is_modifier and t.name == "redirect"), None)


@dataclass(frozen=True)
class SpfNode:
    """One domain in the expansion tree: its record and the records it pulled in."""

    domain: str
    via: str  # "root", "include", "redirect"
    record: SpfRecord | None
    children: tuple[SpfNode, ...] = ()
    problem: str | None = None


@dataclass(frozen=True)
class FlatTerm:
    """A mechanism of the flattened policy and the domain whose record holds it."""

    term: SpfTerm
    source: str


@dataclass(frozen=True)
class SpfExpansion:
    """The whole expansion of a domain's SPF policy.

    `flattened` lists the mechanisms in evaluation order; those from an include match with
    the include's own qualifier, and an included record's "all" is left out (it ends only
    that include).
    """

    domain: str
    root: SpfNode
    flattened: tuple[FlatTerm, ...]
    lookups: int
    void_lookups: int
    problems: tuple[str, ...]

    @property
    def over_limit(self) -> bool:
        return self.lookups > LOOKUP_LIMIT


def is_spf(txt: str) -> bool:
    """True for a TXT string that is an SPF record ("v=spf1" then a space or nothing)."""
    low = txt.strip().lower()
    return low == "v=spf1" or low.startswith("v=spf1 ")


def parse_spf(record: str) -> SpfRecord:
    """Parse one SPF record into terms, with syntax errors listed (never raises)."""
    words = record.split()
    errors: list[str] = []
    if not words or words[0].lower() != "v=spf1":
        return SpfRecord(record, (), (tr("not an SPF record (must start with v=spf1)"),))
    terms: list[SpfTerm] = []
    for word in words[1:]:
        mod = _MODIFIER.match(word)
        mech = _MECHANISM.match(word)
        if mod:  # a modifier's name cannot hold ':' or '/', so "include:x=y" is a mechanism
            name = mod.group(1).lower()
            if name in {"redirect", "exp"} and any(t.is_modifier and t.name == name for t in terms):
                errors.append(tr("{name}= appears more than once", name=name))
            terms.append(SpfTerm("", name, mod.group(2), word, is_modifier=True))
            continue
        if not mech or mech.group(2).lower() not in _MECHANISMS:
            errors.append(tr("unknown term {term}", term=repr(word)))
            continue
        qualifier, name, value = mech.group(1) or "+", mech.group(2).lower(), mech.group(3)
        if name in {"include", "exists"} and not value:
            errors.append(tr("{name} needs a domain: {term}", name=name, term=repr(word)))
        if name in {"ip4", "ip6"} and not value:
            errors.append(tr("{name} needs an address: {term}", name=name, term=repr(word)))
        terms.append(SpfTerm(qualifier, name, (value or "") + (mech.group(4) or "") or None, word))
    if any(t.name == "all" for t in terms) and any(t.name == "redirect" for t in terms):
        errors.append(tr("redirect= is ignored because the record has an 'all' mechanism"))
    return SpfRecord(record, tuple(terms), tuple(errors))


@dataclass
class _State:
    lookups: int = 0
    voids: int = 0
    problems: list[str] = field(default_factory=list)
    flat: list[FlatTerm] = field(default_factory=list)


def expand_spf(domain: str, lookups: SpfLookups) -> SpfExpansion:
    """Expand `domain`'s SPF policy through every include: and redirect=."""
    state = _State()
    root = _expand(domain.rstrip(".").lower(), "root", lookups, state, ())
    if state.lookups > LOOKUP_LIMIT:
        state.problems.append(
            tr(
                "{lookups} DNS-querying terms (include, a, mx, ptr, exists, redirect): over SPF's limit "
                "of {limit}; receivers return permerror and the policy fails for everyone",
                lookups=state.lookups,
                limit=LOOKUP_LIMIT,
            )
        )
    if state.voids > VOID_LIMIT:
        state.problems.append(
            tr(
                "{voids} void lookups (names with no record): over the limit of {limit}, permerror",
                voids=state.voids,
                limit=VOID_LIMIT,
            )
        )
    return SpfExpansion(domain, root, tuple(state.flat), state.lookups, state.voids, tuple(state.problems))


def _spf_record(domain: str, lookups: SpfLookups, state: _State) -> tuple[SpfRecord | None, str | None]:
    txts = lookups.txt(domain)
    if txts is None:
        state.voids += 1
        return None, tr("{domain}: no such domain or no TXT records", domain=domain)
    records = [t for t in txts if is_spf(t)]
    if not records:
        return None, tr("{domain}: no SPF record (no TXT record starting with v=spf1)", domain=domain)
    if len(records) > 1:
        return None, tr(
            "{domain}: {count} SPF records; RFC 7208 says permerror, keep exactly one",
            domain=domain,
            count=len(records),
        )
    return parse_spf(records[0]), None


def _expand(
    domain: str, via: str, lookups: SpfLookups, state: _State, stack: tuple[str, ...], *, final: bool = True
) -> SpfNode:
    """Expand one record. `final` is False inside an include, whose 'all' ends only the include."""
    record, problem = _spf_record(domain, lookups, state)
    if record is None:
        state.problems.append(problem or tr("{domain}: no SPF record", domain=domain))
        return SpfNode(domain, via, None, (), problem)
    state.problems.extend(tr("{domain}: {error}", domain=domain, error=e) for e in record.errors)
    children: list[SpfNode] = []
    has_all = any(t.name == "all" for t in record.terms)
    for term in record.terms:
        if term.counts_lookup and not (term.name == "redirect" and has_all):
            state.lookups += 1
        if term.is_modifier and term.name != "redirect":
            continue
        if (
            term.name == "exists"
            and term.value
            and "%" not in term.value
            and lookups.exists(term.value) is None
        ):
            state.voids += 1
        if term.name in {"a", "mx"} and "%" not in (term.value or ""):
            _check_void(term, domain, lookups, state)
        if term.name == "ptr":
            state.problems.append(
                tr("{domain}: the ptr mechanism is deprecated (RFC 7208 5.5); use ip4/ip6", domain=domain)
            )
        if term.name == "all" and not final:
            continue  # an included record's "all" never decides the outer policy
        if term.name not in {"include", "redirect"}:
            state.flat.append(FlatTerm(term, domain))
            continue
        if term.name == "redirect" and has_all:
            continue
        target = (term.value or "").rstrip(".").lower()
        if not target:
            continue
        if "%" in target:
            state.problems.append(
                tr("{domain}: {term} uses a macro; not expanded", domain=domain, term=term.raw)
            )
            state.flat.append(FlatTerm(term, domain))
        elif target in stack or target == domain:
            loop = " -> ".join([*stack, domain, target])
            state.problems.append(tr("loop: {loop}", loop=loop))
            children.append(SpfNode(target, term.name, None, (), tr("loop back to {target}", target=target)))
        elif len(stack) >= MAX_DEPTH:
            state.problems.append(
                tr("{domain}: includes nested deeper than {limit}; stopped", domain=domain, limit=MAX_DEPTH)
            )
        else:
            inner_final = final and term.name == "redirect"
            children.append(_expand(target, term.name, lookups, state, (*stack, domain), final=inner_final))
    return SpfNode(domain, via, record, tuple(children), None)


def _check_void(term: SpfTerm, domain: str, lookups: SpfLookups, state: _State) -> None:
    """Count an a/mx term whose name has no address / no MX as a void lookup, and say so."""
    target = (term.value or "").split("/", 1)[0].rstrip(".").lower() or domain
    found = lookups.addresses(target) if term.name == "a" else lookups.mx_hosts(target)
    if not found:
        state.voids += 1
        kind = "A/AAAA" if term.name == "a" else "MX"
        state.problems.append(
            tr(
                "{domain}: {term} matches nothing: {target} has no {kind} record (void lookup)",
                domain=domain,
                term=term.raw,
                target=target,
                kind=kind,
            )
        )


def format_tree(node: SpfNode, indent: int = 0) -> list[str]:
    """The expansion tree as indented text lines."""
    pad = "  " * indent
    head = f"{pad}{node.domain}" + (f" ({node.via})" if node.via != "root" else "")
    if node.record is None:
        return [f"{head}: {node.problem}"]
    lines = [f"{head}: {node.record.raw}"]
    for child in node.children:
        lines += format_tree(child, indent + 1)
    return lines
