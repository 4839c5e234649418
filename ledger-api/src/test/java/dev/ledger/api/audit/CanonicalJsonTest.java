package dev.ledger.api.audit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CanonicalJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @Test
    void sortsKeysAtEveryLevelAndDropsWhitespace() throws Exception {
        assertThat(canonical("{ \"b\": [ {\"z\": 1, \"a\": null} ], \"a\": true, \"c\": {\"y\": false, \"x\": \"1.50\"} }"))
                .isEqualTo("{\"a\":true,\"b\":[{\"a\":null,\"z\":1}],\"c\":{\"x\":\"1.50\",\"y\":false}}");
    }

    @Test
    void sortsKeysByUtf16CodeUnitsAsRfc8785Does() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        // U+FB01 sorts after U+1F600 by code point but before it by UTF-16 code unit (0xD83D).
        node.put("\uD83D\uDE00", 1);
        node.put("\uFB01", 2);
        node.put("a", 3);
        node.put("B", 4);
        assertThat(CanonicalJson.write(node)).isEqualTo("{\"B\":4,\"a\":3,\"\uD83D\uDE00\":1,\"\uFB01\":2}");
    }

    @Test
    void escapesOnlyQuoteBackslashAndControlCharacters() {
        String text = "q\" b\\ \b\t\n\f\r \u0000 \u001f \u007f é € / \u2028 💰";
        assertThat(CanonicalJson.write(JsonNodeFactory.instance.textNode(text)))
                .isEqualTo("\"q\\\" b\\\\ \\b\\t\\n\\f\\r \\u0000 \\u001f \u007f é € / \u2028 💰\"");
    }

    @Test
    void writesIntegersPlainAndRefusesOtherNumbers() throws Exception {
        assertThat(canonical("[0, -7, 123456789012345678901234567890]")).isEqualTo("[0,-7,123456789012345678901234567890]");
        assertThat(canonical("[-0]")).isEqualTo("[0]");
        assertThatThrownBy(() -> canonical("[1.5]")).isInstanceOf(CanonicalJson.NotCanonicalException.class)
                .hasMessageContaining("not an integer (1.5)");
        assertThatThrownBy(() -> canonical("[1e3]")).isInstanceOf(CanonicalJson.NotCanonicalException.class);
        assertThatThrownBy(() -> CanonicalJson.write(JsonNodeFactory.instance.numberNode(new BigDecimal("2.0"))))
                .isInstanceOf(CanonicalJson.NotCanonicalException.class);
    }

    @Test
    void refusesLoneSurrogates() {
        assertThatThrownBy(() -> CanonicalJson.write(JsonNodeFactory.instance.textNode("a\uD800b")))
                .isInstanceOf(CanonicalJson.NotCanonicalException.class)
                .hasMessageContaining("lone UTF-16 surrogate \\ud800");
        assertThatThrownBy(() -> CanonicalJson.write(JsonNodeFactory.instance.textNode("\uDC00")))
                .isInstanceOf(CanonicalJson.NotCanonicalException.class);
    }

    @Test
    void locatesAMemberSoThatCuttingItGivesTheObjectWithoutIt() throws Exception {
        String[] objects = {"{\"a\":1,\"h\":2,\"z\":3}", "{\"h\":2,\"z\":3}", "{\"a\":1,\"h\":[2]}", "{\"h\":{\"h\":1}}",
                "{\"a\":1,\"z\":3}", "{\"z\":3}", "{\"a\":1}", "{}"};
        for (String json : objects) {
            ObjectNode object = (ObjectNode) JSON.readTree(json);
            StringBuilder out = new StringBuilder();
            int[] span = CanonicalJson.writeObject(object, "h", out);
            assertThat(out.toString()).isEqualTo(CanonicalJson.write(object));
            ObjectNode without = object.deepCopy();
            without.remove("h");
            String cut = out.substring(0, span[0]) + out.substring(span[1]);
            assertThat(cut).as(json).isEqualTo(CanonicalJson.write(without));
            if (!object.has("h")) {
                assertThat(span[0]).as(json).isEqualTo(span[1]);
                ObjectNode with = object.deepCopy();
                with.put("h", 9);
                String member = "\"h\":9";
                String inserted = object.isEmpty() ? member : span[0] == out.length() - 1 ? "," + member : member + ",";
                assertThat(new StringBuilder(out).insert(span[0], inserted).toString()).as(json)
                        .isEqualTo(CanonicalJson.write(with));
            }
        }
    }

    private static String canonical(String json) throws Exception {
        JsonNode node = JSON.readTree(json);
        return CanonicalJson.write(node);
    }
}
