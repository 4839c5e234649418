package dev.ledger.api.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ledger.domain.value.Decimals;

import java.io.IOException;
import java.math.BigDecimal;

/**
 * Writes read-model views and tool reports as JSON, in the shapes of {@code cli.md}: records become
 * objects with their components in declaration order, amounts become strings at scale 8 (never JSON
 * numbers), counts stay JSON integers, instants are ISO-8601 strings, a missing value is {@code null}.
 */
public final class ViewJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(new SimpleModule("ledger-amounts").addSerializer(BigDecimal.class, new AmountSerializer()))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private ViewJson() {
    }

    /** One JSON document on one line. */
    public static String write(Object view) {
        try {
            return MAPPER.writeValueAsString(view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + view.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** The mapper, for tools that read these documents back (tests, comparisons). */
    public static ObjectMapper mapper() {
        return MAPPER.copy();
    }

    /**
     * Amounts as the read models show them: scale 8, HALF_EVEN ({@code accounting.md}), plain digits.
     * Booked amounts are already at scale 8, so this only pads them; derived figures are rounded here.
     */
    private static final class AmountSerializer extends StdSerializer<BigDecimal> {
        private AmountSerializer() {
            super(BigDecimal.class);
        }

        @Override
        public void serialize(BigDecimal value, JsonGenerator json, SerializerProvider provider) throws IOException {
            json.writeString(Decimals.show(value));
        }
    }
}
