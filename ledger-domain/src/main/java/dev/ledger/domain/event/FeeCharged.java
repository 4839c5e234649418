package dev.ledger.domain.event;

import org.axonframework.serialization.Revision;

import java.math.BigDecimal;

/** The trading fee of one fill, debited from the wallet of the settle asset. */
@Revision("2") // 2: leader, the copied elite trader of a COPY-book position (null for other positions)
public record FeeCharged(String account, String tradeId, String symbol, String asset, BigDecimal fee,
                         BigDecimal walletAfter, String leader) implements AccountEvent {

    /** Without a leader: a position that copies nobody (revision 1 had no leader). */
    public FeeCharged(String account, String tradeId, String symbol, String asset, BigDecimal fee,
                      BigDecimal walletAfter) {
        this(account, tradeId, symbol, asset, fee, walletAfter, null);
    }
}
