package dev.ledger.api.store;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.std.NumberDeserializers;

import java.io.IOException;
import java.math.BigDecimal;

/**
 * Reads the decimals the ledger stores: plain strings such as {@code "1250.50000000"} or {@code "-3"} (see
 * {@link JsonSerialization}). Jackson's own reader first matches every decimal string against two regular
 * expressions, which cost a rebuild's decoder thread about as much as building the decimal; a string of this one
 * shape needs no such check, and becomes {@code new BigDecimal(text)}, exactly as Jackson would make it. Anything
 * else (a JSON number, an exponent, a sign {@code +}, white space, null, an over-long or malformed string) goes to
 * Jackson's reader, so what is accepted or refused, and with which message, is unchanged.
 */
final class PlainDecimalDeserializer extends JsonDeserializer<BigDecimal> {

    /** Jackson's default limit on the length of a number (StreamReadConstraints). */
    private static final int MAX_LENGTH = 1_000;

    private final JsonDeserializer<?> jackson = NumberDeserializers.BigDecimalDeserializer.instance;

    @Override
    public BigDecimal deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_STRING) {
            String text = parser.getText();
            if (isPlain(text)) {
                return new BigDecimal(text);
            }
        }
        return (BigDecimal) jackson.deserialize(parser, context);
    }

    /** {@code -?[0-9]+(\.[0-9]+)?}, at most {@link #MAX_LENGTH} characters. */
    static boolean isPlain(String text) {
        int length = text.length();
        if (length == 0 || length > MAX_LENGTH) {
            return false;
        }
        int i = text.charAt(0) == '-' ? 1 : 0;
        int digits = 0;
        while (i < length && isDigit(text.charAt(i))) {
            i++;
            digits++;
        }
        if (digits == 0) {
            return false;
        }
        if (i == length) {
            return true;
        }
        if (text.charAt(i) != '.' || ++i == length) {
            return false;
        }
        while (i < length && isDigit(text.charAt(i))) {
            i++;
        }
        return i == length;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
