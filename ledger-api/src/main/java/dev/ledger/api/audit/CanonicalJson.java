package dev.ledger.api.audit;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Arrays;
import java.util.Iterator;

/**
 * The canonical JSON form of the audit export (see {@code docs/audit-export.md}): the JSON
 * Canonicalization Scheme of RFC 8785 restricted to integers. Object members sorted by key, compared
 * as UTF-16 code units ({@link String#compareTo}); no whitespace; strings escape only {@code "},
 * {@code \}, and control characters below U+0020 ({@code \b \t \n \f \r} short, others as
 * {@code \}{@code u00xx} in lowercase hex); everything else, non-ASCII included, literal. Numbers must be
 * integers and are written in plain decimal; the ledger writes every decimal amount as a string, so a
 * fraction or an exponent in an export can only be damage, and RFC 8785's number rule (ECMAScript
 * double formatting) never has to be reproduced by a verifier.
 */
final class CanonicalJson {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private CanonicalJson() {
    }

    /** The canonical text of {@code node}; fails with {@link NotCanonicalException} if it has none. */
    static String write(JsonNode node) {
        StringBuilder out = new StringBuilder(256);
        write(node, out);
        return out.toString();
    }

    static void write(JsonNode node, StringBuilder out) {
        switch (node.getNodeType()) {
            case OBJECT -> writeObject(node, null, out, null);
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(node.get(i), out);
                }
                out.append(']');
            }
            case STRING -> writeString(node.textValue(), out);
            case NUMBER -> {
                if (!node.isIntegralNumber()) {
                    throw new NotCanonicalException("a number that is not an integer (" + node.asText()
                            + "); the export carries decimals as strings");
                }
                out.append(node.bigIntegerValue().toString());
            }
            case BOOLEAN -> out.append(node.booleanValue() ? "true" : "false");
            case NULL -> out.append("null");
            default -> throw new NotCanonicalException("a " + node.getNodeType() + " value has no JSON form");
        }
    }

    /**
     * Writes {@code object} canonically and returns where its member {@code key} is in {@code out}: the
     * span {@code [start, end)} to delete to get the canonical form of the object without that member (it
     * takes one neighbouring comma along). If the object has no such member, {@code start == end} is where
     * it would be inserted. Lets a line and its hashed content (the line without its hash member) come
     * from one serialization.
     */
    static int[] writeObject(JsonNode object, String key, StringBuilder out) {
        int[] span = new int[2];
        writeObject(object, key, out, span);
        return span;
    }

    private static void writeObject(JsonNode node, String spanKey, StringBuilder out, int[] span) {
        String[] keys = new String[node.size()];
        Iterator<String> names = node.fieldNames();
        for (int i = 0; i < keys.length; i++) {
            keys[i] = names.next();
        }
        Arrays.sort(keys);
        out.append('{');
        boolean located = span == null;
        for (int i = 0; i < keys.length; i++) {
            int beforeComma = out.length();
            if (i > 0) {
                out.append(',');
            }
            int keyStart = out.length();
            int order = located ? -1 : keys[i].compareTo(spanKey);
            if (order > 0) {
                // Absent; it would go before this member: insert "key":value, here.
                span[0] = keyStart;
                span[1] = keyStart;
                located = true;
            }
            writeString(keys[i], out);
            out.append(':');
            write(node.get(keys[i]), out);
            if (order == 0) {
                located = true;
                if (i + 1 < keys.length) {
                    span[0] = keyStart;
                    span[1] = out.length() + 1; // with the comma that comes next
                } else {
                    span[0] = beforeComma;      // with the comma before it, if any
                    span[1] = out.length();
                }
            }
        }
        if (!located) {
            // Absent; it would go last: insert ,"key":value before the closing brace.
            span[0] = out.length();
            span[1] = out.length();
        }
        out.append('}');
    }

    static void writeString(String text, StringBuilder out) {
        out.append('"');
        int length = text.length();
        int plain = 0;
        while (plain < length) {
            char c = text.charAt(plain);
            if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) {
                break;
            }
            plain++;
        }
        if (plain == length) {
            // The common case: nothing to escape or check.
            out.append(text).append('"');
            return;
        }
        out.append(text, 0, plain);
        for (int i = plain; i < length; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        // RFC 8785 refuses lone surrogates: they have no UTF-8 form.
                        throw new NotCanonicalException(String.format("a lone UTF-16 surrogate \\u%04x in a string", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** A value that the canonical form cannot represent. */
    static final class NotCanonicalException extends RuntimeException {
        NotCanonicalException(String message) {
            super(message);
        }
    }
}
