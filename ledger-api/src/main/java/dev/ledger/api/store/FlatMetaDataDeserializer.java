package dev.ledger.api.store;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import org.axonframework.messaging.MetaData;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads an event's metadata ({@code {"commandId": "...", ...}}) field by field from the parser. Axon's own
 * metadata deserializer looks up and contextualizes a map deserializer on every call, which costs as much
 * as deserializing the event's payload; the ledger's metadata values are strings, read here directly. A
 * value of any other shape is read as Jackson reads an untyped value, as Axon's deserializer would.
 */
final class FlatMetaDataDeserializer extends JsonDeserializer<MetaData> {

    @Override
    public MetaData deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            token = parser.nextToken();
        }
        Map<String, Object> values = new HashMap<>();
        while (token == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            values.put(name, value == JsonToken.VALUE_STRING ? parser.getText()
                    : value == JsonToken.VALUE_NULL ? null : context.readValue(parser, Object.class));
            token = parser.nextToken();
        }
        if (token != JsonToken.END_OBJECT) {
            return context.reportInputMismatch(MetaData.class, "event metadata must be a JSON object, found %s", token);
        }
        return MetaData.from(values);
    }
}
