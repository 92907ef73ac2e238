"""Transfers with a fee: the fee is part of the overdraft guard and is debited first."""
from opentelemetry import trace

tracer = trace.get_tracer(__name__)


class Overdraft(Exception):
    pass


def transfer(accounts, src, dst, amount, fee):
    with tracer.start_as_current_span("validate") as span:
        span.set_attribute("transfer.from", src)
        span.set_attribute("transfer.to", dst)
        span.set_attribute("transfer.amount", amount)
        span.set_attribute("transfer.fee", fee)
        if accounts[src] < amount + fee:
            span.add_event("guard_triggered", {"account": src})
            raise Overdraft(f"{src} cannot cover {amount} + fee {fee}")
    with tracer.start_as_current_span("apply") as span:
        span.add_event("fee_debit", {"account": src})
        accounts[src] -= fee
        span.add_event("debit", {"account": src})
        accounts[src] -= amount
        span.add_event("credit", {"account": dst})
        accounts[dst] += amount
    return accounts
