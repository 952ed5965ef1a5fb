"""`LoansApi`: borrowing, renewing and returning; members see only their own loans (404)."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

from generated.showcase import CONTEXT, Principal, RequestContext, models, results

from . import access, errors
from .links import Links
from .ratelimit import RateLimiter, budget_key
from .store import LoanRecord, Store

DEFAULT_DAYS = 14
MAX_RENEWALS = 3
DIGITAL_FORMATS = frozenset({models.BookFieldsFormat.EBOOK, models.BookFieldsFormat.AUDIOBOOK})


def to_model(store: Store, loan: LoanRecord) -> models.Loan:
    """The `Loan`; its status follows from the return and the due date."""
    if loan.returned_at is not None:
        status = models.LoanStatus.RETURNED
    elif loan.due_on < store.now().date():
        status = models.LoanStatus.OVERDUE
    else:
        status = models.LoanStatus.ACTIVE
    return models.Loan(
        id=loan.id,
        book_id=loan.book_id,
        member_id=loan.member_id,
        delivery=loan.delivery,
        borrowed_at=loan.borrowed_at,
        due_on=loan.due_on,
        returned_at=loan.returned_at,
        renewals=loan.renewals,
        status=status,
    )


def _days(body: models.LoanRequest | models.RenewalRequest | None) -> int | None:
    """The requested length; None when the body sent `days: null`, which the contract forbids."""
    if body is None or "days" not in body.model_fields_set:
        return DEFAULT_DAYS
    return body.days


class LoansHandlers:
    """Operations tagged `loans`."""

    def __init__(
        self, *, store: Store, limiter: RateLimiter, links: Links, loan_limit: int
    ) -> None:
        self.store = store
        self.limiter = limiter
        self.links = links
        self.loan_limit = loan_limit

    async def create_loan(
        self,
        *,
        x_request_id: UUID | None,
        body: models.LoanRequest,
        principal: Principal,
        context: RequestContext = CONTEXT,
    ) -> (
        results.CreateLoanCreated
        | results.CreateLoanBadRequest
        | results.CreateLoanForbidden
        | results.CreateLoanNotFound
        | results.CreateLoanConflict
        | results.CreateLoanTooManyRequests
    ):
        """POST /loans: lend a copy to the signed-in member (or the one the desk acts for)."""
        rate = self.limiter.hit(budget_key(principal, context.client))
        if not rate.allowed:
            return results.CreateLoanTooManyRequests(
                body=errors.rate_limited(rate.retry_after),
                retry_after=rate.retry_after,
                x_rate_limit_remaining=0,
            )
        member = access.loan_caller(self.store, principal).member
        if member is None:
            return results.CreateLoanForbidden(
                body=errors.error("member_required", "The token names no member to lend to.")
            )
        days = _days(body)
        if days is None:
            return results.CreateLoanBadRequest(body=errors.invalid(("body.days", "Not null.")))
        book = self.store.books.get(body.book_id)
        if book is None:
            return results.CreateLoanNotFound(
                body=errors.error("book_not_found", f"There is no book {body.book_id}.")
            )
        conflict = self._conflict(body, book.fields.format, member.id, book.id)
        if conflict is not None:
            return results.CreateLoanConflict(body=conflict)
        now = self.store.now()
        loan = LoanRecord(uuid4(), book.id, member.id, body.delivery, now, now.date())
        loan.due_on += timedelta(days=days)
        self.store.loans[loan.id] = loan
        return results.CreateLoanCreated(
            body=to_model(self.store, loan),
            location=self.links.url(context, f"/loans/{loan.id}"),
            x_rate_limit_remaining=rate.remaining,
        )

    def _conflict(
        self, body: models.LoanRequest, fmt: models.BookFieldsFormat, member: UUID, book: int
    ) -> models.Error | None:
        if isinstance(body.delivery, models.DigitalDelivery) and fmt not in DIGITAL_FORMATS:
            return errors.error("not_digital", f"Book {book} is printed; it cannot be e-mailed.")
        if self.store.active_loans(member_id=member) >= self.loan_limit:
            return errors.error("loan_limit", f"You may borrow {self.loan_limit} books at once.")
        if self.store.available_copies(self.store.books[book]) == 0:
            return errors.error("unavailable", f"No copy of book {book} is available.")
        return None

    async def get_loan(
        self, *, loan_id: UUID, principal: Principal
    ) -> results.GetLoanOk | results.GetLoanNotFound:
        """GET /loans/{loan_id}."""
        loan = self._visible(loan_id, principal)
        if loan is None:
            return results.GetLoanNotFound(body=errors.not_found(f"loan {loan_id}"))
        return results.GetLoanOk(body=to_model(self.store, loan))

    async def renew_loan(
        self, *, loan_id: UUID, body: models.RenewalRequest | None, principal: Principal
    ) -> (
        results.RenewLoanOk
        | results.RenewLoanBadRequest
        | results.RenewLoanNotFound
        | results.RenewLoanConflict
    ):
        """POST /loans/{loan_id}/renewals: from the current due date, 14 days unless told."""
        days = _days(body)
        if days is None:
            return results.RenewLoanBadRequest(body=errors.invalid(("body.days", "Not null.")))
        loan = self._visible(loan_id, principal)
        if loan is None:
            return results.RenewLoanNotFound(body=errors.not_found(f"loan {loan_id}"))
        book = self.store.books.get(loan.book_id)
        if loan.returned_at is not None:
            conflict = errors.error("returned", "The book has been returned.")
        elif loan.renewals >= MAX_RENEWALS:
            conflict = errors.error("renewal_limit", f"A loan is renewed {MAX_RENEWALS} times.")
        elif book is not None and book.reserved:
            conflict = errors.error("reserved", "Someone has reserved the book.")
        else:
            loan.due_on += timedelta(days=days)
            loan.renewals += 1
            return results.RenewLoanOk(body=to_model(self.store, loan))
        return results.RenewLoanConflict(body=conflict)

    async def return_loan(
        self, *, loan_id: UUID, principal: Principal
    ) -> results.ReturnLoanNoContent | results.ReturnLoanNotFound | results.ReturnLoanConflict:
        """POST /loans/{loan_id}/return: the copy is back on the shelf."""
        loan = self._visible(loan_id, principal)
        if loan is None:
            return results.ReturnLoanNotFound(body=errors.not_found(f"loan {loan_id}"))
        if loan.returned_at is not None:
            return results.ReturnLoanConflict(
                body=errors.error("returned", "The book has been returned.")
            )
        loan.returned_at = self.store.now()
        return results.ReturnLoanNoContent()

    def _visible(self, loan_id: UUID, principal: Principal) -> LoanRecord | None:
        """The loan if the caller may see it; someone else's is as missing as none (404)."""
        loan = self.store.loans.get(loan_id)
        caller = access.loan_caller(self.store, principal)
        return loan if loan is not None and caller.sees(loan.member_id) else None
