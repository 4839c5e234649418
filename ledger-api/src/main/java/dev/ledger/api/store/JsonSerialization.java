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
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.UnknownSerializedType;
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
     * {@link FlatMetaDataDeserializer} (registered after Axon's own, so it takes precedence), stored decimals by
     * {@link PlainDecimalDeserializer}, and Jackson's reader and the class of each type found once
     * ({@link OncePerType}). Configure its object mapper no further: readers already built would not see the
     * change.
     */
    public static JacksonSerializer serializer() {
        JacksonSerializer serializer = new OncePerType(JacksonSerializer.builder().objectMapper(objectMapper()));
        serializer.getObjectMapper().registerModule(new SimpleModule("ledger-stored-values")
                .addDeserializer(MetaData.class, new FlatMetaDataDeserializer())
                .addDeserializer(BigDecimal.class, new PlainDecimalDeserializer()));
        return serializer;
    }

    /**
     * Axon's Jackson serializer, except that it builds Jackson's reader of a type on the first payload of that type
     * and keeps it (readers are immutable and thread-safe), where Axon's builds one per payload read: a tenth of
     * the CPU of a rebuild's reader thread went there. Likewise it finds the class of a stored type name once,
     * where Axon asks the class loader on every payload and every metadata read (a twelfth of a rebuild decoder's
     * CPU). The types are the ledger's event, metadata, snapshot and saga classes: a few dozen. A name that names
     * no class is not remembered, so that every read of it goes through Axon's handling of unknown types.
     */
    private static final class OncePerType extends JacksonSerializer {

        private final Map<Class<?>, ObjectReader> readers = new ConcurrentHashMap<>();
        private final Map<String, Class<?>> classes = new ConcurrentHashMap<>();

        private OncePerType(Builder builder) {
            super(builder);
        }

        @Override
        @SuppressWarnings("rawtypes")
        public Class classForType(SerializedType type) {
            Class<?> known = classes.get(type.getName());
            if (known != null) {
                return known;
            }
            Class<?> found = super.classForType(type);
            if (found != UnknownSerializedType.class && !SimpleSerializedType.emptyType().equals(type)) {
                classes.putIfAbsent(type.getName(), found);
            }
            return found;
        }

        /**
         * The metadata the writer serialized last, and its serialized form: every event of a command carries the same
         * metadata (the command's id), so all but the first of them reuse it (metadata took a sixteenth of the
         * writer's CPU). The serialized form is never changed once made, so one may serve many rows.
         */
        private volatile SerializedMetaData lastMetaData = new SerializedMetaData(null, null, null);

        private record SerializedMetaData(MetaData metaData, Class<?> representation, SerializedObject<?> serialized) {
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> SerializedObject<T> serialize(Object object, Class<T> expectedRepresentation) {
            if (!(object instanceof MetaData metaData)) {
                return super.serialize(object, expectedRepresentation);
            }
            SerializedMetaData last = lastMetaData;
            if (last.representation() == expectedRepresentation && metaData.equals(last.metaData())) {
                return (SerializedObject<T>) last.serialized();
            }
            SerializedObject<T> serialized = super.serialize(object, expectedRepresentation);
            lastMetaData = new SerializedMetaData(metaData, expectedRepresentation, serialized);
            return serialized;
        }

        @Override
        protected ObjectReader getReader(Class<?> type) {
            ObjectReader reader = readers.get(type);
            return reader != null ? reader : readers.computeIfAbsent(type, super::getReader);
        }
    }
}
