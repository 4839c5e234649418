package dev.ledger.domain.command;

import dev.ledger.domain.value.AccountId;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.Names;
import dev.ledger.domain.value.Side;
import dev.ledger.domain.value.Symbol;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Books a trade that the exchange executed. {@code book} (default PERSONAL) applies to LEGACY accounts,
 * with {@code leader} naming the copied elite trader of a COPY-book fill. On a COPY account {@code leader}
 * names the copied position the fill reduces or closes (a copier's own fill may never open, increase or
 * flip a copied position). Elsewhere both are ignored, but they are part of the command's content.
 */
public record RecordFill(String id, String account, String symbol, Side side, BigDecimal quantity, BigDecimal price,
                         BigDecimal fee, Integer leverage, MarginMode marginMode,
                         @OptionalField Book book, @OptionalField String leader) implements LedgerCommand {
    public RecordFill {
        Objects.requireNonNull(side, "side");
        Objects.requireNonNull(marginMode, "marginMode");
        book = book == null ? Book.PERSONAL : book;
    }

    /** A fill outside the legacy books. */
    public RecordFill(String id, String account, String symbol, Side side, BigDecimal quantity, BigDecimal price,
                      BigDecimal fee, Integer leverage, MarginMode marginMode) {
        this(id, account, symbol, side, quantity, price, fee, leverage, marginMode, Book.PERSONAL, null);
    }

    /**
     * A fill by named fields, checked when built:
     *
     * <pre>{@code
     * RecordFill fill = RecordFill.builder()
     *         .id("fill-1").account(AccountId.parse("alice:FUTURES")).symbol(Symbol.of("BTCUSDT"))
     *         .side(Side.BUY).quantity("2").price("30000").fee("1.2")
     *         .leverage(10).marginMode(MarginMode.ISOLATED)
     *         .build();
     * }</pre>
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link RecordFill} by name, so that quantity, price and fee cannot trade places. Every field but
     * {@code book} (default PERSONAL) and {@code leader} must be set; {@link #build()} also refuses what the
     * ledger would refuse on the command alone ({@link CommandChecks}), with the rejection code in the message.
     * Not thread-safe.
     */
    public static final class Builder {
        private String id;
        private String account;
        private String symbol;
        private Side side;
        private BigDecimal quantity;
        private BigDecimal price;
        private BigDecimal fee;
        private Integer leverage;
        private MarginMode marginMode;
        private Book book;
        private String leader;

        private Builder() {
        }

        /** The command id (1 to 128 characters); the same id sent again is a duplicate. */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder account(AccountId account) {
            this.account = Objects.requireNonNull(account, "account").toString();
            return this;
        }

        /** An account name, {@code USER:TYPE}. */
        public Builder account(String account) {
            this.account = account;
            return this;
        }

        public Builder symbol(Symbol symbol) {
            this.symbol = Objects.requireNonNull(symbol, "symbol").name();
            return this;
        }

        public Builder symbol(String symbol) {
            this.symbol = symbol;
            return this;
        }

        public Builder side(Side side) {
            this.side = side;
            return this;
        }

        /** The filled quantity, positive. */
        public Builder quantity(BigDecimal quantity) {
            this.quantity = quantity;
            return this;
        }

        /** The filled quantity from its decimal text ({@code "0.5"}). */
        public Builder quantity(String quantity) {
            return quantity(decimal("quantity", quantity));
        }

        /** The fill price, positive. */
        public Builder price(BigDecimal price) {
            this.price = price;
            return this;
        }

        public Builder price(String price) {
            return price(decimal("price", price));
        }

        /** The fee charged, zero or more (required: a fill without a fee says {@code fee(BigDecimal.ZERO)}). */
        public Builder fee(BigDecimal fee) {
            this.fee = fee;
            return this;
        }

        public Builder fee(String fee) {
            return fee(decimal("fee", fee));
        }

        public Builder leverage(int leverage) {
            this.leverage = leverage;
            return this;
        }

        public Builder marginMode(MarginMode marginMode) {
            this.marginMode = marginMode;
            return this;
        }

        /** The legacy book (LEGACY accounts only; default PERSONAL). */
        public Builder book(Book book) {
            this.book = book;
            return this;
        }

        /** The copied elite trader (COPY-book fills of a LEGACY account; the copied position on a COPY account). */
        public Builder leader(String leader) {
            this.leader = leader;
            return this;
        }

        /**
         * The fill. Throws {@link IllegalStateException} naming every field not set, and
         * {@link IllegalArgumentException} with the rejection code when the ledger would refuse the command on its
         * own (a bad account, symbol, quantity, price, fee or leverage).
         */
        public RecordFill build() {
            List<String> missing = new ArrayList<>();
            addIfNull(missing, "id", id);
            addIfNull(missing, "account", account);
            addIfNull(missing, "symbol", symbol);
            addIfNull(missing, "side", side);
            addIfNull(missing, "quantity", quantity);
            addIfNull(missing, "price", price);
            addIfNull(missing, "fee", fee);
            addIfNull(missing, "leverage", leverage);
            addIfNull(missing, "marginMode", marginMode);
            if (!missing.isEmpty()) {
                throw new IllegalStateException("RecordFill.builder(): not set: " + String.join(", ", missing));
            }
            if (!Names.isValidCommandId(id)) {
                throw new IllegalArgumentException("RecordFill.builder(): id must be 1 to "
                        + Names.COMMAND_ID_MAX_LENGTH + " characters, got " + id.length());
            }
            RecordFill fill = new RecordFill(id, account, symbol, side, quantity, price, fee, leverage, marginMode,
                    book, leader);
            CommandChecks.firstViolation(fill).ifPresent(violation -> {
                throw new IllegalArgumentException("RecordFill " + id + ": " + violation.code() + " "
                        + violation.message());
            });
            return fill;
        }

        private static void addIfNull(List<String> missing, String name, Object value) {
            if (value == null) {
                missing.add(name);
            }
        }

        private static BigDecimal decimal(String name, String text) {
            if (text == null) {
                return null;
            }
            try {
                return new BigDecimal(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " is not a decimal number: " + text, e);
            }
        }
    }
}
