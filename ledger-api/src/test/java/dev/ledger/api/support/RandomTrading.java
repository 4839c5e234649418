package dev.ledger.api.support;

import dev.ledger.api.Outcome;
import dev.ledger.domain.command.AdjustIsolatedMargin;
import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.Liquidate;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.SettleFunding;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.command.Withdraw;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.PositionSide;
import dev.ledger.domain.value.Side;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded random trading commands for integration tests: fills that open, increase, reduce, close exactly
 * and flip positions (ISOLATED and CROSS, leverages from 1 to above the maximum, up to 8 fractional
 * digits), isolated-margin adjustments both ways, funding at positive, zero and negative rates,
 * liquidations at prices that often leave a shortfall, money in and out, and a random walk of the mark
 * prices (now and then a re-configured maintenance margin rate).
 *
 * <p>The commands are shaped by the positions that the accepted commands so far have left, as told by
 * {@link #record}: that is how closes come out exact and flips happen. Nothing here predicts what the
 * ledger decides; refusals are part of the mix. The same seed and the same outcomes give the same
 * commands.
 */
public final class RandomTrading {

    /** A listed symbol: its base price (marks wander around it), its rate and its leverage limit. */
    public record Listing(String symbol, BigDecimal basePrice, BigDecimal maintenanceMarginRate, int maxLeverage) {
    }

    public static final String ASSET = "USDT";
    public static final List<Listing> LISTINGS = List.of(
            new Listing("BTCUSDT", new BigDecimal("30000"), new BigDecimal("0.005"), 125),
            new Listing("ETHUSDT", new BigDecimal("2000"), new BigDecimal("0.01"), 50));

    /** 125 is above ETHUSDT's limit: some fills are refused with LEVERAGE_TOO_HIGH. */
    private static final int[] LEVERAGES = {1, 2, 3, 5, 10, 20, 50, 100, 125};
    private static final BigDecimal[] RATES = {new BigDecimal("0.005"), new BigDecimal("0.01"),
            new BigDecimal("0.0125"), new BigDecimal("0.02")};
    private static final BigDecimal UNIT = new BigDecimal("0.00000001");

    private final Random random;
    private final String idPrefix;
    private final Map<String, BigDecimal> levels = new HashMap<>();
    private final Map<String, Map<String, Held>> held = new HashMap<>();
    private long next;

    /** What an account holds in one symbol, as far as the accepted commands tell. */
    private static final class Held {
        PositionSide side;
        BigDecimal quantity;
        int leverage;
        MarginMode mode;

        Held(PositionSide side, BigDecimal quantity, int leverage, MarginMode mode) {
            this.side = side;
            this.quantity = quantity;
            this.leverage = leverage;
            this.mode = mode;
        }
    }

    public RandomTrading(Random random, String idPrefix) {
        this.random = random;
        this.idPrefix = idPrefix;
        for (Listing listing : LISTINGS) {
            levels.put(listing.symbol(), listing.basePrice());
        }
    }

    public String nextId() {
        return idPrefix + "-" + next++;
    }

    /** Lists every symbol once (no mark yet: positions are valued at their entry price until the first tick). */
    public List<LedgerCommand> listings() {
        List<LedgerCommand> commands = new ArrayList<>();
        for (Listing listing : LISTINGS) {
            commands.add(new ConfigureSymbol(nextId(), listing.symbol(), ASSET, listing.maintenanceMarginRate(),
                    listing.maxLeverage()));
        }
        return commands;
    }

    /**
     * A market command: mostly a mark tick on a random walk of up to 4% a step between 60% and 140% of
     * the base price, so that positions drift into and out of trouble; now and then a new maintenance
     * margin rate for one symbol (the limit stays, so leverages keep their meaning).
     */
    public LedgerCommand market() {
        Listing listing = listing();
        if (random.nextInt(100) < 8) {
            return new ConfigureSymbol(nextId(), listing.symbol(), ASSET, RATES[random.nextInt(RATES.length)],
                    listing.maxLeverage());
        }
        BigDecimal base = listing.basePrice();
        BigDecimal level = levels.get(listing.symbol())
                .multiply(BigDecimal.ONE.add(signed(new BigDecimal("0.04"))))
                .max(base.multiply(new BigDecimal("0.6"))).min(base.multiply(new BigDecimal("1.4")));
        levels.put(listing.symbol(), level);
        return new UpdateMarkPrice(nextId(), listing.symbol(), digits(level, 0));
    }

    /** A trading command on {@code account}, sized for an account holding about {@code size} USDT. */
    public LedgerCommand trade(String account, BigDecimal size) {
        Listing listing = listing();
        String symbol = listing.symbol();
        Held position = held(account).get(symbol);
        int kind = random.nextInt(100);
        if (kind < 10) {
            BigDecimal amount = digits(size.multiply(fraction(0.001, 0.05)), 0);
            return new AdjustIsolatedMargin(nextId(), account, symbol, random.nextBoolean() ? amount : amount.negate());
        }
        if (kind < 20) {
            BigDecimal rate = random.nextInt(7) == 0 ? BigDecimal.ZERO
                    : signed(new BigDecimal("0.001")).setScale(8, RoundingMode.DOWN);
            return new SettleFunding(nextId(), account, symbol, rate, price(symbol));
        }
        if (kind < 28) {
            boolean adverse = random.nextInt(4) > 0;
            boolean lower = position == null ? random.nextBoolean() : (position.side == PositionSide.LONG) == adverse;
            BigDecimal move = adverse ? fraction(0.05, 0.6) : fraction(0, 0.2);
            BigDecimal price = levels.get(symbol).multiply(lower ? BigDecimal.ONE.subtract(move) : BigDecimal.ONE.add(move));
            return new Liquidate(nextId(), account, symbol, digits(price, 0));
        }
        return fill(account, listing, position, size);
    }

    private RecordFill fill(String account, Listing listing, Held position, BigDecimal size) {
        String symbol = listing.symbol();
        BigDecimal price = price(symbol);
        Side side;
        BigDecimal quantity;
        int leverage;
        MarginMode mode;
        if (position != null && random.nextInt(100) < 55) {
            side = position.side == PositionSide.LONG ? Side.SELL : Side.BUY;
            int shape = random.nextInt(3);
            if (shape == 0) {
                quantity = position.quantity; // an exact close
            } else if (shape == 1) {
                quantity = digits(position.quantity.multiply(fraction(0.05, 0.95)), 0).max(UNIT); // a partial reduce
            } else {
                quantity = position.quantity.add(newQuantity(price, size, 10)); // a flip
            }
            leverage = leverage();
            mode = mode();
        } else {
            boolean increase = position != null && random.nextInt(5) > 0;
            side = increase ? (position.side == PositionSide.LONG ? Side.BUY : Side.SELL)
                    : random.nextBoolean() ? Side.BUY : Side.SELL;
            leverage = position != null && random.nextInt(8) > 0 ? position.leverage : leverage();
            mode = position != null && random.nextInt(8) > 0 ? position.mode : mode();
            quantity = newQuantity(price, size, leverage);
        }
        BigDecimal fee = random.nextInt(3) == 0 ? BigDecimal.ZERO
                : digits(price.multiply(quantity).multiply(fraction(0, 0.001)), 0);
        return new RecordFill(nextId(), account, symbol, side, quantity, price, fee, leverage, mode);
    }

    /** Money into or out of a FUTURES account (some withdrawals are more than is available). */
    public LedgerCommand money(String futuresAccount, BigDecimal size) {
        BigDecimal amount = digits(size.multiply(fraction(0.01, 0.3)), 0).max(UNIT);
        return random.nextBoolean()
                ? new Deposit(nextId(), futuresAccount, ASSET, amount)
                : new Withdraw(nextId(), futuresAccount, ASSET, amount);
    }

    /** A transfer between {@code user}'s FUTURES account and its COPY or ELITE account, either way. */
    public LedgerCommand transfer(String user, BigDecimal size) {
        BigDecimal amount = digits(size.multiply(fraction(0.01, 0.3)), 0).max(UNIT);
        String other = user + (random.nextBoolean() ? ":COPY" : ":ELITE");
        return random.nextBoolean()
                ? new Transfer(nextId(), user + ":FUTURES", other, ASSET, amount)
                : new Transfer(nextId(), other, user + ":FUTURES", ASSET, amount);
    }

    /** Learns what an outcome did to the positions (only accepted fills and liquidations move them). */
    public void record(LedgerCommand command, Outcome outcome) {
        if (!(outcome instanceof Outcome.Accepted)) {
            return;
        }
        if (command instanceof RecordFill fill) {
            Map<String, Held> positions = held(fill.account());
            Held position = positions.get(fill.symbol());
            PositionSide direction = fill.side() == Side.BUY ? PositionSide.LONG : PositionSide.SHORT;
            if (position == null) {
                positions.put(fill.symbol(), new Held(direction, fill.quantity(), fill.leverage(), fill.marginMode()));
            } else if (position.side == direction) {
                position.quantity = position.quantity.add(fill.quantity());
            } else {
                int order = fill.quantity().compareTo(position.quantity);
                if (order < 0) {
                    position.quantity = position.quantity.subtract(fill.quantity());
                } else if (order == 0) {
                    positions.remove(fill.symbol());
                } else {
                    positions.put(fill.symbol(), new Held(direction, fill.quantity().subtract(position.quantity),
                            fill.leverage(), fill.marginMode()));
                }
            }
        } else if (command instanceof Liquidate liquidate) {
            held(liquidate.account()).remove(liquidate.symbol());
        }
    }

    /** How many positions the accepted commands left open. */
    public int openPositions() {
        return held.values().stream().mapToInt(Map::size).sum();
    }

    // ------------------------------------------------------------------------------------------------

    private Map<String, Held> held(String account) {
        return held.computeIfAbsent(account, a -> new HashMap<>());
    }

    private Listing listing() {
        return LISTINGS.get(random.nextInt(LISTINGS.size()));
    }

    /** A trade price within 2% of the symbol's level, with 0 to 8 fractional digits. */
    private BigDecimal price(String symbol) {
        return digits(levels.get(symbol).multiply(BigDecimal.ONE.add(signed(new BigDecimal("0.02")))), 0);
    }

    /**
     * A quantity whose notional is a random part of {@code size} times the leverage, over {@code spread};
     * one fill in ten asks for ten times that, which is mostly refused for margin.
     */
    private BigDecimal newQuantity(BigDecimal price, BigDecimal size, int leverage) {
        BigDecimal notional = size.multiply(fraction(0.02, 0.6)).multiply(BigDecimal.valueOf(leverage))
                .divide(BigDecimal.valueOf(3), 8, RoundingMode.DOWN);
        if (random.nextInt(10) == 0) {
            notional = notional.multiply(BigDecimal.TEN);
        }
        BigDecimal quantity = notional.divide(price, 12, RoundingMode.DOWN);
        return digits(quantity, 2).max(UNIT);
    }

    private int leverage() {
        return LEVERAGES[random.nextInt(LEVERAGES.length)];
    }

    private MarginMode mode() {
        return random.nextBoolean() ? MarginMode.ISOLATED : MarginMode.CROSS;
    }

    /** A fraction in [from, to) with 8 digits. */
    private BigDecimal fraction(double from, double to) {
        return BigDecimal.valueOf(from + random.nextDouble() * (to - from)).setScale(8, RoundingMode.DOWN);
    }

    /** A value in (-bound, bound) with 8 digits. */
    private BigDecimal signed(BigDecimal bound) {
        return bound.multiply(BigDecimal.valueOf(random.nextDouble() * 2 - 1)).setScale(8, RoundingMode.DOWN);
    }

    /** {@code value} cut to between {@code minDigits} and 8 fractional digits (at least one unit of that scale). */
    private BigDecimal digits(BigDecimal value, int minDigits) {
        int scale = minDigits + random.nextInt(9 - minDigits);
        BigDecimal cut = value.setScale(scale, RoundingMode.DOWN);
        return cut.signum() == 0 ? BigDecimal.ONE.movePointLeft(scale) : cut;
    }
}
