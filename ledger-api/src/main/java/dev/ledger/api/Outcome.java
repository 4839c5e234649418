package dev.ledger.api;

import dev.ledger.domain.value.RejectionCode;

import java.util.Objects;

/**
 * What became of one command. {@link Accepted} is durable when the caller sees it; {@link Rejected}
 * booked nothing; {@link Duplicate} is a command id seen before with the same content, which changed
 * nothing and carries the first outcome again.
 */
public sealed interface Outcome {

    String commandId();

    /** The outcome that decided what the command did: itself, or for a duplicate the first one. */
    default Outcome decisive() {
        return this;
    }

    record Accepted(String commandId) implements Outcome {
        public Accepted {
            Objects.requireNonNull(commandId, "commandId");
        }
    }

    record Rejected(String commandId, RejectionCode code, String message) implements Outcome {
        public Rejected {
            Objects.requireNonNull(commandId, "commandId");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }

    record Duplicate(String commandId, Outcome first) implements Outcome {
        public Duplicate {
            Objects.requireNonNull(commandId, "commandId");
            Objects.requireNonNull(first, "first");
            if (first instanceof Duplicate) {
                throw new IllegalArgumentException("the first outcome of a command is never a duplicate");
            }
        }

        @Override
        public Outcome decisive() {
            return first;
        }
    }
}
