package dev.ledger.api.store;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.json.JacksonSerializer;

import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one serializer of the ledger: Jackson, for events, snapshots, sagas and tokens alike. Decimals
 * are written as plain strings ({@code "1250.50000000"}), never as JSON numbers or in exponent form.
 */
public final class JsonSerialization {

    private JsonSerialization() {
    }

    public static ObjectMapper objectMapper() {
        ObjectMapper mapper = new ObjectMapper();
        mapper.registerModule(new JavaTimeModule());
        mapper.configOverride(BigDecimal.class).setFormat(JsonFormat.Value.forShape(JsonFormat.Shape.STRING));
        mapper.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
        mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        mapper.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        return mapper;
    }

    /**
     * Axon's Jackson serializer on {@link #objectMapper()}, with event metadata read by
     * {@link FlatMetaDataDeserializer} (registered after Axon's own, so it takes precedence), and Jackson's reader
     * of each type built once ({@link ReaderPerType}). Configure its object mapper no further: readers already
     * built would not see the change.
     */
    public static JacksonSerializer serializer() {
        JacksonSerializer serializer = new ReaderPerType(JacksonSerializer.builder().objectMapper(objectMapper()));
        serializer.getObjectMapper().registerModule(
                new SimpleModule("ledger-metadata").addDeserializer(MetaData.class, new FlatMetaDataDeserializer()));
        return serializer;
    }

    /**
     * Axon's Jackson serializer, except that it builds Jackson's reader of a type on the first payload of that type
     * and keeps it (readers are immutable and thread-safe), where Axon's builds one per payload read: a tenth of
     * the CPU of a rebuild's reader thread went there. The types are the ledger's event, metadata, snapshot and
     * saga classes: a few dozen.
     */
    private static final class ReaderPerType extends JacksonSerializer {

        private final Map<Class<?>, ObjectReader> readers = new ConcurrentHashMap<>();

        private ReaderPerType(Builder builder) {
            super(builder);
        }

        @Override
        protected ObjectReader getReader(Class<?> type) {
            ObjectReader reader = readers.get(type);
            return reader != null ? reader : readers.computeIfAbsent(type, super::getReader);
        }
    }
}
