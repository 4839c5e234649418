package dev.ledger.domain.testing;

import dev.ledger.domain.command.CommandRejectedException;
import dev.ledger.domain.value.RejectionCode;
import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;

/** Matches a refusal by its code: the part of it that callers rely on. */
public final class Refusals {

    private Refusals() {
    }

    public static Matcher<CommandRejectedException> refusedWith(RejectionCode code) {
        return new TypeSafeMatcher<>() {
            @Override
            protected boolean matchesSafely(CommandRejectedException refusal) {
                return refusal.code() == code && refusal.getMessage().startsWith(code.name() + ": ");
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("a refusal with code " + code);
            }

            @Override
            protected void describeMismatchSafely(CommandRejectedException refusal, Description mismatch) {
                mismatch.appendText("was refused with " + refusal.code() + " (" + refusal.getMessage() + ")");
            }
        };
    }
}
