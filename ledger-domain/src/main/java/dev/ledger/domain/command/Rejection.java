package dev.ledger.domain.command;

import dev.ledger.domain.value.RejectionCode;

import java.util.Objects;

/** A refusal: one code from {@link RejectionCode} and a sentence for people. */
public record Rejection(RejectionCode code, String message) {

    public Rejection {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
