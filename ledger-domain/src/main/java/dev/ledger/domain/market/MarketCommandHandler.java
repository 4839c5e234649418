package dev.ledger.domain.market;

import dev.ledger.domain.command.CommandChecks;
import dev.ledger.domain.command.CommandRejectedException;
import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.SetMigrationPhase;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.support.EventSourcedAggregates;
import dev.ledger.domain.value.RejectionCode;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.modelling.command.Aggregate;

import java.util.Objects;

/** Handles the market's commands: listing symbols, mark prices and the migration phase. */
public class MarketCommandHandler {

    private final EventSourcedAggregates<Market> markets;

    public MarketCommandHandler(EventSourcedAggregates<Market> markets) {
        this.markets = Objects.requireNonNull(markets, "markets");
    }

    /**
     * The market as it is now, for decisions of other handlers; empty before anything was listed. It is
     * loaded on first use, so a decision that needs no listing or mark (a transfer from an account with no
     * position) costs no market look-up.
     */
    public MarketState current() {
        return new LazyMarketState(() ->
                markets.find(Market.ID).<MarketState>map(m -> m.invoke(market -> market)).orElse(MarketState.EMPTY));
    }

    @CommandHandler
    public void handle(ConfigureSymbol command) {
        CommandChecks.require(command);
        market().execute(m -> m.configure(command.symbol(), command.settleAsset(),
                command.maintenanceMarginRate(), command.maxLeverage()));
    }

    @CommandHandler
    public void handle(UpdateMarkPrice command) {
        CommandChecks.require(command);
        Aggregate<Market> market = markets.find(Market.ID).orElseThrow(() -> new CommandRejectedException(
                RejectionCode.UNKNOWN_SYMBOL, command.symbol() + " is not listed (ConfigureSymbol first)"));
        market.execute(m -> m.updateMarkPrice(command.symbol(), command.price()));
    }

    @CommandHandler
    public void handle(SetMigrationPhase command) {
        CommandChecks.require(command);
        market().execute(m -> m.moveMigrationPhase(command.phase()));
    }

    private Aggregate<Market> market() {
        return markets.find(Market.ID).orElseGet(() -> markets.create(Market.ID, Market::create));
    }
}
