package dev.ledger.api.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.Decimals;
import dev.ledger.projections.risk.RiskPosition;
import dev.ledger.projections.risk.RiskView;

import java.io.IOException;
import java.math.BigDecimal;

/**
 * Writes read-model views and tool reports as JSON, in the shapes of {@code cli.md}: records become
 * objects with their components in declaration order, amounts become strings at scale 8 (never JSON
 * numbers), counts stay JSON integers, instants are ISO-8601 strings, a missing value is {@code null}.
 * Exceptions that the shapes ask for: a risk position's {@code book} and {@code leader} are left out
 * where they do not apply ({@code book} is LEGACY-only; {@code leader} is shown on LEGACY COPY-book positions
 * and on every position of a COPY account, {@code null} for the copier's own), and maps keyed by an enum are
 * written in the enum's order (the migration totals: NOT_STARTED, WAITING, COMPLETED).
 */
public final class ViewJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(new SimpleModule("ledger-amounts").addSerializer(BigDecimal.class, new AmountSerializer()))
            .addMixIn(RiskPosition.class, LegacyOnlyFields.class)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private ViewJson() {
    }

    /** One JSON document on one line. */
    public static String write(Object view) {
        try {
            if (view instanceof RiskView risk && risk.account().endsWith(":COPY")) {
                return MAPPER.writeValueAsString(withLeaders(risk));
            }
            return MAPPER.writeValueAsString(view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + view.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** A COPY account's risk view: every position names the leader it copies, {@code null} for the copier's own. */
    private static ObjectNode withLeaders(RiskView risk) {
        ObjectNode tree = MAPPER.valueToTree(risk);
        for (JsonNode position : tree.withArray("positions")) {
            if (!position.has("leader")) {
                ((ObjectNode) position).putNull("leader");
            }
        }
        return tree;
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

    /** {@code book} and {@code leader} of a risk position: set on LEGACY accounts only, absent elsewhere. */
    private abstract static class LegacyOnlyFields {
        @JsonInclude(JsonInclude.Include.NON_NULL)
        abstract Book book();

        @JsonInclude(JsonInclude.Include.NON_NULL)
        abstract String leader();
    }
}
