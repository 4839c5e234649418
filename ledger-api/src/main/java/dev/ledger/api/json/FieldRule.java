package dev.ledger.api.json;

import dev.ledger.domain.value.AccountId;
import dev.ledger.domain.command.CommandChecks;
import dev.ledger.domain.value.Decimals;
import dev.ledger.domain.value.Names;

import java.math.BigDecimal;

/**
 * The form a command field must have, beyond its JSON type: the naming rules and the Numbers rules of
 * {@code accounting.md}. Each rule says which Java type it checks; {@link CommandFieldRules} assigns
 * one rule to every field of every command type.
 */
public enum FieldRule {

    ACCOUNT(String.class, "an account name USER:TYPE (USER matching [A-Za-z0-9_.-]{1,64}, TYPE one of FUTURES, COPY, ELITE, LEGACY)") {
        @Override
        boolean accepts(Object value) {
            return AccountId.parseOrNull((String) value) != null;
        }
    },
    USER(String.class, "a user name matching [A-Za-z0-9_.-]{1,64}") {
        @Override
        boolean accepts(Object value) {
            return AccountId.isValidUser((String) value);
        }
    },
    ASSET(String.class, "an asset name matching [A-Z0-9]{1,20}") {
        @Override
        boolean accepts(Object value) {
            return Names.isValidAsset((String) value);
        }
    },
    SYMBOL(String.class, "a symbol matching [A-Z0-9]{1,20}") {
        @Override
        boolean accepts(Object value) {
            return Names.isValidSymbol((String) value);
        }
    },
    POSITIVE_AMOUNT(BigDecimal.class, "positive and at most 10^15") {
        @Override
        boolean accepts(Object value) {
            return Decimals.isValidPositiveAmount((BigDecimal) value);
        }
    },
    NON_ZERO_AMOUNT(BigDecimal.class, "non-zero (negative allowed) and between -10^15 and 10^15") {
        @Override
        boolean accepts(Object value) {
            return Decimals.isValidSignedAmount((BigDecimal) value);
        }
    },
    FEE(BigDecimal.class, ">= 0 and at most 10^15") {
        @Override
        boolean accepts(Object value) {
            return Decimals.isValidFee((BigDecimal) value);
        }
    },
    PRICE_OR_QUANTITY(BigDecimal.class, "positive and at most 10^12") {
        @Override
        boolean accepts(Object value) {
            return Decimals.isValidPriceOrQuantity((BigDecimal) value);
        }
    },
    MAINTENANCE_MARGIN_RATE(BigDecimal.class, ">= 0 and < 1") {
        @Override
        boolean accepts(Object value) {
            BigDecimal rate = (BigDecimal) value;
            return Decimals.fractionalDigits(rate) <= Decimals.SCALE
                    && rate.signum() >= 0 && rate.compareTo(BigDecimal.ONE) < 0;
        }
    },
    FUNDING_RATE(BigDecimal.class, "> -1 and < 1") {
        @Override
        boolean accepts(Object value) {
            BigDecimal rate = (BigDecimal) value;
            return Decimals.fractionalDigits(rate) <= Decimals.SCALE
                    && rate.abs().compareTo(BigDecimal.ONE) < 0;
        }
    },
    PROFIT_SHARE_RATE(BigDecimal.class, "in [0, 0.5]") {
        @Override
        boolean accepts(Object value) {
            BigDecimal rate = (BigDecimal) value;
            return Decimals.fractionalDigits(rate) <= Decimals.SCALE && rate.signum() >= 0
                    && rate.compareTo(CommandChecks.MAX_PROFIT_SHARE_RATE) <= 0;
        }
    },
    RATIO(BigDecimal.class, "> 0 and at most 1000") {
        @Override
        boolean accepts(Object value) {
            BigDecimal ratio = (BigDecimal) value;
            return Decimals.fractionalDigits(ratio) <= Decimals.SCALE && ratio.signum() > 0
                    && ratio.compareTo(CommandChecks.MAX_RATIO) <= 0;
        }
    },
    MAX_FOLLOWERS(Integer.class, "an integer from 1 to " + CommandChecks.MAX_FOLLOWERS) {
        @Override
        boolean accepts(Object value) {
            int followers = (Integer) value;
            return followers >= 1 && followers <= CommandChecks.MAX_FOLLOWERS;
        }
    },
    LEVERAGE(Integer.class, ">= 1") {
        @Override
        boolean accepts(Object value) {
            return (Integer) value >= 1;
        }
    },
    /** Any constant of the field's enum; the JSON reader already refuses other names. */
    CONSTANT(Enum.class, "one of the field's constants") {
        @Override
        boolean accepts(Object value) {
            return true;
        }
    };

    private final Class<?> valueType;
    private final String requirement;

    FieldRule(Class<?> valueType, String requirement) {
        this.valueType = valueType;
        this.requirement = requirement;
    }

    /** The Java type of the values this rule checks (a field's type must be it or a subtype). */
    public Class<?> valueType() {
        return valueType;
    }

    abstract boolean accepts(Object value);

    /**
     * Why {@code value} breaks this rule, or {@code null} when it obeys it. For decimals the number of
     * fractional digits is named first, since "as written" is the part people most often miss.
     */
    public String violation(Object value) {
        if (value instanceof BigDecimal decimal && Decimals.fractionalDigits(decimal) > Decimals.SCALE) {
            return quote(decimal.toPlainString()) + " has " + Decimals.fractionalDigits(decimal)
                    + " fractional digits; at most " + Decimals.SCALE + " are allowed";
        }
        if (accepts(value)) {
            return null;
        }
        if (value instanceof BigDecimal decimal) {
            return "must be " + requirement + ", got " + quote(decimal.toPlainString());
        }
        if (value instanceof String text) {
            return "must be " + requirement + ", got " + quote(text);
        }
        return "must be " + requirement + ", got " + value;
    }

    /** Longest piece of a bad value that a message repeats; the rest is elided. */
    private static final int QUOTE_LIMIT = 80;

    /**
     * A value as it appears in a message: in quotes, control characters escaped so that the message
     * stays one line, and cut short when long.
     */
    static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        int end = Math.min(text.length(), QUOTE_LIMIT);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        if (end < text.length()) {
            return quoted.append("...\" (").append(text.length()).append(" characters)").toString();
        }
        return quoted.append('"').toString();
    }
}
