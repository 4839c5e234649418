package dev.ledger.api.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ledger.domain.event.FundsDeposited;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.UnknownSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.messaging.MetaData;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The ledger's serializer reads decimals, and finds stored types, exactly as Axon's Jackson serializer on the same
 * object mapper does: the same values with the same scale, the same refusals.
 */
class PlainDecimalDeserializerTest {

    private final ObjectMapper ledger = JsonSerialization.serializer().getObjectMapper();
    private final ObjectMapper jackson = JsonSerialization.objectMapper();

    @Test
    void readsEveryDecimalAsJacksonDoes() throws Exception {
        List<String> texts = new ArrayList<>(List.of("0", "-0", "7", "-7", "1250.50000000", "-0.00000001",
                "000123.4500", "99999999999999999999999999999999.123456789012345678901234567890", "1e5", "-1.5E-3",
                "+1", "1.", ".5", "-.5", " 1.5", "1.5 ", "", "-", "1.2.3", "1,5", "abc", "NaN", "null", "0x10", "١٢"));
        texts.add("9".repeat(1_000));
        texts.add("9".repeat(1_001));
        texts.add("1." + "5".repeat(998));
        for (String text : texts) {
            assertSameAsJackson("\"" + text + "\"");
        }
        for (String json : List.of("1.25", "-3", "1e2", "null", "true", "[]", "{}")) {
            assertSameAsJackson(json);
        }
    }

    @Test
    void theFastPathTakesOnlyPlainDecimals() {
        assertThat(List.of("0", "-12", "3.25", "-0.001")).allMatch(PlainDecimalDeserializer::isPlain);
        assertThat(List.of("", "-", "1.", ".5", "+1", "1e5", " 1", "1.2.3", "--1", "9".repeat(1_001)))
                .noneMatch(PlainDecimalDeserializer::isPlain);
    }

    @Test
    void eventsWithDecimalsRoundTripExactly() {
        JacksonSerializer serializer = JsonSerialization.serializer();
        FundsDeposited deposited = new FundsDeposited("alice:FUTURES", "USDT", new BigDecimal("1250.50000000"),
                new BigDecimal("-0.00000100"));
        SerializedObject<byte[]> stored = serializer.serialize(deposited, byte[].class);
        FundsDeposited read = serializer.deserialize(stored);
        assertThat(read).isEqualTo(deposited);
        assertThat(read.amount().scale()).isEqualTo(8);
        assertThat(read.walletAfter().toPlainString()).isEqualTo("-0.00000100");
    }

    @Test
    void storedTypesResolveAsAxonResolvesThem() {
        JacksonSerializer ledgerSerializer = JsonSerialization.serializer();
        JacksonSerializer axon = JacksonSerializer.builder().objectMapper(JsonSerialization.objectMapper()).build();
        for (SimpleSerializedType type : List.of(new SimpleSerializedType(FundsDeposited.class.getName(), null),
                new SimpleSerializedType(MetaData.class.getName(), null), new SimpleSerializedType("no.such.Type", "1"),
                (SimpleSerializedType) SimpleSerializedType.emptyType())) {
            for (int read = 0; read < 2; read++) {
                assertThat(ledgerSerializer.classForType(type)).isEqualTo(axon.classForType(type));
            }
        }
        assertThat(ledgerSerializer.classForType(new SimpleSerializedType("no.such.Type", null)))
                .isEqualTo(UnknownSerializedType.class);
        SimpleSerializedObject<byte[]> unknown = new SimpleSerializedObject<>("{}".getBytes(StandardCharsets.UTF_8),
                byte[].class, "no.such.Type", null);
        assertThat((Object) ledgerSerializer.deserialize(unknown)).isInstanceOf(UnknownSerializedType.class);
    }

    private void assertSameAsJackson(String json) throws Exception {
        Object expected;
        try {
            expected = jackson.readValue(json, BigDecimal.class);
        } catch (Exception refused) {
            assertThatThrownBy(() -> ledger.readValue(json, BigDecimal.class)).as(json)
                    .isInstanceOf(refused.getClass()).hasMessage(refused.getMessage());
            return;
        }
        BigDecimal read = ledger.readValue(json, BigDecimal.class);
        assertThat(read).as(json).isEqualTo(expected);
        if (read != null) {
            assertThat(read.scale()).as(json).isEqualTo(((BigDecimal) expected).scale());
        }
    }
}
