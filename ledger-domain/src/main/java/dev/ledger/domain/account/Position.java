package dev.ledger.domain.account;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.Decimals;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.PositionSide;

import java.math.BigDecimal;

/**
 * One net position of an account (per symbol; per symbol and book in a LEGACY account). Its cost basis
 * is {@code entryNotional}, a booked amount; {@code positionMargin} is used by ISOLATED positions only.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
final class Position {

    String symbol;
    String settleAsset;
    Book book;
    String leader;
    PositionSide side;
    BigDecimal quantity;
    BigDecimal entryNotional;
    int leverage;
    MarginMode marginMode;
    BigDecimal positionMargin;

    Position() {
    }

    Position(String symbol, String settleAsset, Book book, String leader, PositionSide side, BigDecimal quantity,
             BigDecimal entryNotional, int leverage, MarginMode marginMode, BigDecimal positionMargin) {
        this.symbol = symbol;
        this.settleAsset = settleAsset;
        this.book = book;
        this.leader = leader;
        this.side = side;
        this.quantity = quantity;
        this.entryNotional = entryNotional;
        this.leverage = leverage;
        this.marginMode = marginMode;
        this.positionMargin = positionMargin;
    }

    Position copy() {
        return new Position(symbol, settleAsset, book, leader, side, quantity, entryNotional, leverage, marginMode,
                positionMargin);
    }

    static String key(String symbol, Book book) {
        return symbol + "/" + book.name();
    }

    String key() {
        return key(symbol, book);
    }

    boolean isIsolated() {
        return marginMode == MarginMode.ISOLATED;
    }

    /** {@code round8(entryNotional/leverage)}: the initial margin a CROSS position holds, and the floor of an ISOLATED one. */
    BigDecimal initialMargin() {
        return entryNotional.divide(BigDecimal.valueOf(leverage), Decimals.SCALE, Decimals.ROUNDING);
    }

    /** Unrealized PnL at mark {@code mark} (the entry price when there is no mark: zero). */
    BigDecimal unrealizedPnl(BigDecimal mark) {
        if (mark == null) {
            return BigDecimal.ZERO;
        }
        BigDecimal value = Decimals.round8(mark.multiply(quantity));
        return side == PositionSide.LONG ? value.subtract(entryNotional) : entryNotional.subtract(value);
    }
}
