package dev.ledger.api.store;

import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ledger reads metadata exactly as Axon's own deserializer does, only faster. */
class FlatMetaDataDeserializerTest {

    private final JacksonSerializer ledger = JsonSerialization.serializer();
    private final JacksonSerializer axon = JacksonSerializer.builder().objectMapper(JsonSerialization.objectMapper()).build();

    @Test
    void readsEveryShapeOfValueAsAxonDoes() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("commandId", "t-1");
        values.put("traceId", "9f1c");
        values.put("empty", "");
        values.put("count", 3);
        values.put("big", 12_345_678_901L);
        values.put("flag", true);
        values.put("nothing", null);
        values.put("nested", Map.of("a", "b", "n", List.of(1, "x")));
        for (MetaData metaData : List.of(MetaData.from(values), MetaData.emptyInstance(), MetaData.with("commandId", "c"))) {
            SerializedObject<byte[]> stored = ledger.serialize(metaData, byte[].class);
            MetaData read = ledger.deserialize(stored);
            assertThat(read).isEqualTo(axon.<byte[], MetaData>deserialize(stored)).isEqualTo(metaData);
        }
    }

    @Test
    void metadataThatIsNotAnObjectIsRefused() {
        SerializedObject<byte[]> list = ledger.serialize(List.of("a"), byte[].class);
        SerializedObject<byte[]> asMetaData = new org.axonframework.serialization.SimpleSerializedObject<>(list.getData(),
                byte[].class, MetaData.class.getName(), null);
        assertThatThrownBy(() -> ledger.deserialize(asMetaData)).rootCause()
                .hasMessageContaining("event metadata must be a JSON object, found START_ARRAY");
    }

    @Test
    void writesMetadataAsAxonDoesAndEqualMetadataOnceInARow() {
        MetaData command = MetaData.with("commandId", "t-1");
        SerializedObject<byte[]> first = ledger.serialize(command, byte[].class);
        assertThat(first.getData()).isEqualTo(axon.serialize(command, byte[].class).getData());
        assertThat(first.getType()).isEqualTo(axon.serialize(command, byte[].class).getType());
        // The command's next events carry equal metadata: the same serialized form serves them.
        assertThat((Object) ledger.serialize(MetaData.with("commandId", "t-1"), byte[].class)).isSameAs(first);

        // Other metadata, or the same in another representation, is serialized anew, and read back as it was.
        for (MetaData other : List.of(MetaData.with("commandId", "t-2"), MetaData.with("commandId", 1),
                MetaData.with("commandId", 1L), MetaData.with("commandId", "t-1").and("traceId", "x"), MetaData.emptyInstance())) {
            SerializedObject<byte[]> serialized = ledger.serialize(other, byte[].class);
            assertThat(serialized.getData()).as(other.toString()).isEqualTo(axon.serialize(other, byte[].class).getData());
            MetaData read = ledger.deserialize(serialized);
            assertThat(read).as(other.toString()).isEqualTo((MetaData) axon.deserialize(serialized));
        }
        SerializedObject<String> asText = ledger.serialize(command, String.class);
        assertThat(asText.getData()).isEqualTo("{\"commandId\":\"t-1\"}");
        assertThat(ledger.serialize(command, byte[].class).getData()).isEqualTo(first.getData());
    }
}
