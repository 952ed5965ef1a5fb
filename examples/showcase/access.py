"""Who is calling: staff, partners, machine clients or members, from the generated `Principal`.

All JWT schemes share one verifier, so the scheme that matched (`Principal.schemes`, the first
alternative of the operation's `security` that held) says in which role a token is used:

- `bearerAuth`: staff; `apiKeyHeader`/`apiKeyQuery` (with `basicAuth` for imports): a partner;
- `oauth2`: a machine client, allowed what its scopes say; one with `loans:manage` acts for the
  member named by its `member_id` claim;
- `sessionCookie`/`openIdConnect`: a member. The subject is the member's id for accounts
  registered here; any other subject becomes a member on its first sign-in (OIDC
  just-in-time provisioning), named after its `name` and, when verified, `email` claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID, uuid4

from email_validator import EmailNotValidError, validate_email

from generated.showcase import Principal

from .store import MemberRecord, Store

MEMBER_SCHEMES = frozenset({"sessionCookie", "openIdConnect"})
STAFF_SCHEME = "bearerAuth"
CLIENT_SCHEME = "oauth2"
CATALOG_WRITE = "catalog:write"
LOANS_MANAGE = "loans:manage"
OPENID = "openid"
PROVISIONED_DOMAIN = "members.example.org"


def is_member(principal: Principal) -> bool:
    """Whether the credential is a member's session or OpenID Connect token.

    An OpenID Connect token (scope `openid`) sent as a bearer token is still a member's: the
    JWT schemes share one verifier, so `bearerAuth` alone would let it pass for staff.
    """
    return bool(MEMBER_SCHEMES & set(principal.schemes)) or principal.has_scopes(OPENID)


def is_loan_desk(principal: Principal) -> bool:
    """Whether the credential is a machine client that manages loans for members."""
    return CLIENT_SCHEME in principal.schemes and principal.has_scopes(LOANS_MANAGE)


def may_edit_catalog(principal: Principal) -> bool:
    """Catalogue changes need `catalog:write`, whether the token came as OAuth2 or staff JWT."""
    return principal.has_scopes(CATALOG_WRITE)


@dataclass(frozen=True)
class LoanCaller:
    """A caller of the loans operations: a member, or the loan desk acting for one."""

    member: MemberRecord | None  # None: the desk's token names no member
    desk: bool

    def sees(self, member_id: UUID) -> bool:
        """Members see their own loans only; the desk sees all."""
        return self.desk or (self.member is not None and self.member.id == member_id)


def loan_caller(store: Store, principal: Principal) -> LoanCaller:
    """The member behind a loans request (see the module docstring)."""
    if is_member(principal):
        return LoanCaller(signed_in_member(store, principal), desk=False)
    return LoanCaller(acted_for(store, principal), desk=is_loan_desk(principal))


def acted_for(store: Store, principal: Principal) -> MemberRecord | None:
    """The member a loan-desk token acts for (`member_id` claim), if it is one."""
    claim = principal.claims.get("member_id")
    try:
        member_id = UUID(claim) if isinstance(claim, str) else None
    except ValueError:
        return None
    return store.members.get(member_id) if member_id else None


def signed_in_member(store: Store, principal: Principal) -> MemberRecord:
    """The member a session or OpenID Connect token stands for, provisioned on first sign-in."""
    try:
        by_id = store.members.get(UUID(principal.subject))
    except ValueError:
        by_id = None
    if by_id is not None:
        return by_id
    linked = store.subjects.get(principal.subject)
    if linked is not None and linked in store.members:
        return store.members[linked]
    member_id = uuid4()
    member = store.add_member(
        email=_email(store, principal, member_id),
        display_name=_display_name(principal),
        password_hash=None,  # signs in through the identity provider only
        member_id=member_id,
    )
    store.subjects[principal.subject] = member.id
    return member


def _email(store: Store, principal: Principal, member_id: UUID) -> str:
    claim = principal.claims.get("email")
    if isinstance(claim, str) and principal.claims.get("email_verified") is True:
        try:
            address = validate_email(claim, check_deliverability=False).normalized
        except EmailNotValidError:
            address = None
        if address and len(address) <= 254 and store.member_with_email(address) is None:
            return address
    return synthetic_email(principal.subject, member_id)


def synthetic_email(subject: str, member_id: UUID) -> str:
    """A unique placeholder address for a member whose provider gave none.

    >>> synthetic_email("Alice Smith", UUID(int=0xABCDEF12 << 96))
    'alice-smith.abcdef12@members.example.org'
    """
    local = re.sub(r"[^a-z0-9]+", "-", subject.lower()).strip("-")[:40] or "member"
    return f"{local}.{member_id.hex[:8]}@{PROVISIONED_DOMAIN}"


def _display_name(principal: Principal) -> str:
    name = principal.claims.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()[:100]
    return principal.subject.strip()[:100] or "Member"
