package dev.ledger.domain.testing;

import org.axonframework.messaging.Message;
import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Compares event records by value: same record type, every component equal, decimals by
 * {@code compareTo} ({@code 60000} = {@code 60000.00000000}), so a test states a figure the way the
 * spec does without guessing the scale that the arithmetic produced.
 */
public final class ByValue {

    private ByValue() {
    }

    /** Whether two values are equal, decimals (also inside records) by value. */
    public static boolean sameValue(Object expected, Object actual) {
        if (expected == null || actual == null) {
            return expected == actual;
        }
        if (expected instanceof BigDecimal e && actual instanceof BigDecimal a) {
            return e.compareTo(a) == 0;
        }
        if (expected.getClass().isRecord() && expected.getClass() == actual.getClass()) {
            for (RecordComponent component : expected.getClass().getRecordComponents()) {
                if (!sameValue(read(component, expected), read(component, actual))) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(expected, actual);
    }

    /** The first component that differs, as text, or {@code null}. */
    static String firstDifference(Object expected, Object actual) {
        if (expected == null || actual == null || expected.getClass() != actual.getClass()
                || !expected.getClass().isRecord()) {
            return sameValue(expected, actual) ? null : "expected " + expected + " but was " + actual;
        }
        for (RecordComponent component : expected.getClass().getRecordComponents()) {
            Object e = read(component, expected);
            Object a = read(component, actual);
            if (!sameValue(e, a)) {
                return expected.getClass().getSimpleName() + "." + component.getName() + ": expected "
                        + show(e) + " but was " + show(a);
            }
        }
        return null;
    }

    /**
     * Matches the list of events published in the when-phase: exactly these payloads, in this order,
     * compared by value.
     */
    public static Matcher<List<? super Message<?>>> events(Object... expectedPayloads) {
        List<Object> expected = Arrays.asList(expectedPayloads);
        return new TypeSafeMatcher<>() {
            @Override
            protected boolean matchesSafely(List<? super Message<?>> actual) {
                List<Object> payloads = payloads(actual);
                if (payloads.size() != expected.size()) {
                    return false;
                }
                for (int i = 0; i < expected.size(); i++) {
                    if (!sameValue(expected.get(i), payloads.get(i))) {
                        return false;
                    }
                }
                return true;
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("events by value ").appendValue(expected);
            }

            @Override
            protected void describeMismatchSafely(List<? super Message<?>> actual, Description mismatch) {
                List<Object> payloads = payloads(actual);
                mismatch.appendText("were ").appendValue(payloads);
                for (int i = 0; i < Math.min(expected.size(), payloads.size()); i++) {
                    String difference = firstDifference(expected.get(i), payloads.get(i));
                    if (difference != null) {
                        mismatch.appendText("\n  first difference at event #" + i + ": " + difference);
                        return;
                    }
                }
                if (expected.size() != payloads.size()) {
                    mismatch.appendText("\n  expected " + expected.size() + " events, got " + payloads.size());
                }
            }
        };
    }

    static List<Object> payloads(List<?> messages) {
        List<Object> payloads = new ArrayList<>(messages.size());
        for (Object message : messages) {
            payloads.add(message instanceof Message<?> m ? m.getPayload() : message);
        }
        return payloads;
    }

    private static String show(Object value) {
        return value instanceof BigDecimal d ? d.toPlainString() : String.valueOf(value);
    }

    private static Object read(RecordComponent component, Object record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + component.getName(), e);
        }
    }
}
