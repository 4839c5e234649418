package dev.ledger.domain.testing;

import dev.ledger.domain.event.AccountOpened;
import dev.ledger.domain.event.FundsDeposited;
import dev.ledger.domain.event.PositionOpened;
import dev.ledger.domain.value.AccountId;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.PositionSide;

import java.math.BigDecimal;

/** Short forms of the values and events that tests write again and again. Figures are stated, never computed. */
public final class Given {

    public static final String USDT = "USDT";
    public static final String BTC = "BTCUSDT";
    public static final String ETH = "ETHUSDT";

    private Given() {
    }

    /** A decimal as the spec writes it. */
    public static BigDecimal d(String value) {
        return new BigDecimal(value);
    }

    public static AccountOpened accountOpened(String account) {
        AccountId id = AccountId.parse(account);
        return new AccountOpened(account, id.user(), id.type());
    }

    public static FundsDeposited deposited(String account, String amount, String walletAfter) {
        return new FundsDeposited(account, USDT, d(amount), d(walletAfter));
    }

    /** A position opened outside the legacy books (book PERSONAL, no leader), settled in USDT. */
    public static PositionOpened positionOpened(String account, String tradeId, String symbol, PositionSide side,
                                                String quantity, String price, String entryNotional, int leverage,
                                                MarginMode mode, String positionMargin) {
        return positionOpened(account, tradeId, symbol, Book.PERSONAL, null, side, quantity, price, entryNotional,
                leverage, mode, positionMargin);
    }

    public static PositionOpened positionOpened(String account, String tradeId, String symbol, Book book, String leader,
                                                PositionSide side, String quantity, String price, String entryNotional,
                                                int leverage, MarginMode mode, String positionMargin) {
        return new PositionOpened(account, tradeId, symbol, USDT, book, leader, side, d(quantity), d(price),
                d(entryNotional), leverage, mode, d(positionMargin));
    }
}
