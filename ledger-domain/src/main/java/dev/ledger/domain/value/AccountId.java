package dev.ledger.domain.value;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An account's name, {@code USER:TYPE}. It is also the aggregate identifier of the account in the
 * event store, so its string form never changes.
 */
public record AccountId(String user, AccountType type) {

    /** The user part of an account name; also the {@code leader} of a copy fill. */
    public static final Pattern USER_PATTERN = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    public AccountId {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(type, "type");
        if (!isValidUser(user)) {
            throw new IllegalArgumentException("user name must match " + USER_PATTERN + ": " + user);
        }
    }

    public static AccountId of(String user, AccountType type) {
        return new AccountId(user, type);
    }

    /**
     * Whether {@code user} matches {@link #USER_PATTERN}. Checked by hand rather than by the pattern: every account
     * a command names, and each copier of a fan-out, passes through here on the writer's hot path.
     */
    public static boolean isValidUser(String user) {
        if (user == null || user.isEmpty() || user.length() > 64) {
            return false;
        }
        for (int i = 0; i < user.length(); i++) {
            char c = user.charAt(i);
            boolean allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    /** Parses {@code USER:TYPE}, or returns {@code null} when the text is not a valid account name. */
    public static AccountId parseOrNull(String text) {
        if (text == null) {
            return null;
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        String user = text.substring(0, colon);
        String typeName = text.substring(colon + 1);
        if (!isValidUser(user)) {
            return null;
        }
        for (AccountType type : AccountType.values()) {
            if (type.name().equals(typeName)) {
                return new AccountId(user, type);
            }
        }
        return null;
    }

    /** Parses {@code USER:TYPE}, failing with a message that names the bad text. */
    public static AccountId parse(String text) {
        AccountId id = parseOrNull(text);
        if (id == null) {
            throw new IllegalArgumentException("not an account name (USER:TYPE with TYPE one of FUTURES, COPY, ELITE, LEGACY): " + text);
        }
        return id;
    }

    @Override
    public String toString() {
        return user + ":" + type.name();
    }
}
