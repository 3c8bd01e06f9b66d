-- Schema 9: refunds we decided on. The clock starts when the refund is decided (`decided_ms`); it
-- is done when someone has refunded it at the payment provider (`done_ms`). A refunded customer
-- is on the do-not-promote list.

CREATE TABLE refunds (
    source       TEXT NOT NULL,
    order_id     TEXT NOT NULL,
    case_id      TEXT,
    amount_minor INTEGER NOT NULL,   -- the whole amount, fees included
    currency     TEXT NOT NULL,
    decided_ms   INTEGER NOT NULL,
    done_ms      INTEGER,
    PRIMARY KEY (source, order_id)
) STRICT;
CREATE INDEX refunds_open ON refunds(decided_ms) WHERE done_ms IS NULL;
