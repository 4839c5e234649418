package dev.ledger.domain.command;

import dev.ledger.domain.value.Decimals;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;

/**
 * The content of a command by value, for idempotency: the same type and fields, decimals equal by
 * value ({@code "1.0"} = {@code "1"}), field order irrelevant. Defaults are applied by the command
 * records themselves, so a field left out equals its default. The id is not part of the content, nor is a
 * field added after its command type's first release while it is left out (see {@link OptionalField}).
 */
public final class CommandFingerprint {

    private CommandFingerprint() {
    }

    /** A canonical text of the command's content, stable across versions of this library. */
    public static String canonicalContent(Command command) {
        StringBuilder text = new StringBuilder(command.type()).append('{');
        RecordComponent[] components = command.getClass().getRecordComponents();
        RecordComponent[] sorted = Arrays.copyOf(components, components.length);
        Arrays.sort(sorted, Comparator.comparing(RecordComponent::getName));
        boolean first = true;
        for (RecordComponent component : sorted) {
            if (component.getName().equals("id")) {
                continue;
            }
            Object value = read(component, command);
            OptionalField optional = component.getAnnotation(OptionalField.class);
            if (value == null && optional != null && !optional.contentWhenAbsent()) {
                continue;
            }
            if (!first) {
                text.append(',');
            }
            first = false;
            text.append(component.getName()).append('=');
            appendValue(text, value);
        }
        return text.append('}').toString();
    }

    /** SHA-256 of {@link #canonicalContent(Command)}, as 64 lowercase hex digits. */
    public static String of(Command command) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(canonicalContent(command).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }

    private static Object read(RecordComponent component, Command command) {
        try {
            return component.getAccessor().invoke(command);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + component.getName() + " of " + command.type(), e);
        }
    }

    private static void appendValue(StringBuilder text, Object value) {
        if (value == null) {
            text.append("null");
        } else if (value instanceof BigDecimal decimal) {
            text.append('#').append(Decimals.canonical(decimal));
        } else if (value instanceof Number || value instanceof Boolean) {
            text.append('#').append(value);
        } else if (value instanceof Enum<?> constant) {
            appendString(text, constant.name());
        } else {
            appendString(text, value.toString());
        }
    }

    private static void appendString(StringBuilder text, String value) {
        text.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                text.append('\\');
            }
            text.append(c);
        }
        text.append('"');
    }
}
