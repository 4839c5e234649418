package dev.ledger.domain.event;

import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.PositionSide;
import org.axonframework.serialization.Revision;

import java.math.BigDecimal;

/**
 * A funding payment {@code round8(quantity*markPrice*rate)}. {@code walletChange} is what the wallet
 * received (positive) or paid (negative): a LONG pays a positive rate, a SHORT receives it.
 */
@Revision("2") // 2: leader, the copied elite trader of a COPY-book position (null for other positions)
public record FundingSettled(String account, String commandId, String symbol, String settleAsset, Book book,
                             PositionSide side, BigDecimal quantity, BigDecimal markPrice, BigDecimal rate,
                             BigDecimal payment, BigDecimal walletChange, BigDecimal walletAfter, String leader)
        implements AccountEvent {

    /** Without a leader: a position that copies nobody (revision 1 had no leader). */
    public FundingSettled(String account, String commandId, String symbol, String settleAsset, Book book,
                          PositionSide side, BigDecimal quantity, BigDecimal markPrice, BigDecimal rate,
                          BigDecimal payment, BigDecimal walletChange, BigDecimal walletAfter) {
        this(account, commandId, symbol, settleAsset, book, side, quantity, markPrice, rate, payment, walletChange,
                walletAfter, null);
    }
}
