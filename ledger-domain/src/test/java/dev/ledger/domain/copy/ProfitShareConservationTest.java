package dev.ledger.domain.copy;

import dev.ledger.domain.command.AdjustIsolatedMargin;
import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.Follow;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.Liquidate;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.SetLeaderTerms;
import dev.ledger.domain.command.SettleFunding;
import dev.ledger.domain.command.SettleProfitShare;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.Unfollow;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.event.FeeCharged;
import dev.ledger.domain.event.FollowEnded;
import dev.ledger.domain.event.FollowStarted;
import dev.ledger.domain.event.FundingSettled;
import dev.ledger.domain.event.IsolatedMarginAdjusted;
import dev.ledger.domain.event.LeaderTermsSet;
import dev.ledger.domain.event.MarkPriceUpdated;
import dev.ledger.domain.event.PositionIncreased;
import dev.ledger.domain.event.PositionLiquidated;
import dev.ledger.domain.event.PositionOpened;
import dev.ledger.domain.event.PositionReduced;
import dev.ledger.domain.event.ProfitShareReceived;
import dev.ledger.domain.event.ProfitShareSettled;
import dev.ledger.domain.event.SymbolConfigured;
import dev.ledger.domain.event.TradeCopied;
import dev.ledger.domain.testing.InMemoryLedger;
import dev.ledger.domain.value.CloseMode;
import dev.ledger.domain.value.CopyOutcome;
import dev.ledger.domain.value.FollowEndReason;
import dev.ledger.domain.value.FollowMode;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.PositionSide;
import dev.ledger.domain.value.RejectionCode;
import dev.ledger.domain.value.Side;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random histories of copy trading — several leaders and copiers (one user both), deposits, transfers into
 * COPY and ELITE accounts, lead fills both ways at random prices and marks (opens, increases, reduces, closes,
 * flips), lead and copier liquidations, the copiers' own reducing fills, funding, margin moves, follows (with caps
 * and loss limits), unfollows and follows again, new terms, and profit-share settlements (some of them right after
 * the copier moved all of its available out, so that a settlement pays less than is owed) — checked against
 * copy-trading.md's Profit share rules:
 * <ul>
 *     <li>per asset, the sum of every account's wallet (from the events: every record with a {@code walletAfter},
 *     the bookings nested in {@code TradeCopied} included) is the same before and after every
 *     {@code SettleProfitShare} and {@code Unfollow};</li>
 *     <li>what the copiers paid in one command ({@code ProfitShareSettled.paid}) is what the leader's
 *     {@code ProfitShareReceived} events of that command add up to, per asset;</li>
 *     <li>each settlement's figures follow the rule: the pair's net PnL (folded here from the bookings on the
 *     copier's positions of the leader), {@code owed += round8((netPnl - highWaterMark) * rate)} above the mark,
 *     {@code pay = min(owed, max(0, available))}, with the rate of the pair's latest follow; every pair of the
 *     leader that has something to settle is settled.</li>
 * </ul>
 * The model here is folded from the events the ledger stored, so it states the rules, not the implementation.
 */
class ProfitShareConservationTest {

    private static final List<String> LEADERS = List.of("lea", "leb", "max");
    private static final List<String> COPIERS = List.of("bob", "carl", "dan", "erin", "max");
    private static final List<String> USERS = List.of("lea", "leb", "max", "bob", "carl", "dan", "erin");
    private static final String[] SYMBOLS = {"BTCUSDT", "ETHUSDT", "SOLUSDC"};
    private static final Map<String, String> SETTLE_ASSET = Map.of("BTCUSDT", "USDT", "ETHUSDT", "USDT", "SOLUSDC", "USDC");
    private static final Map<String, Integer> MAX_LEVERAGE = Map.of("BTCUSDT", 100, "ETHUSDT", 50, "SOLUSDC", 20);
    private static final Map<String, BigDecimal> BASE_PRICE = Map.of("BTCUSDT", d("50000"), "ETHUSDT", d("2000"),
            "SOLUSDC", d("100"));
    private static final Map<String, BigDecimal> BASE_QUANTITY = Map.of("BTCUSDT", d("0.5"), "ETHUSDT", d("5"),
            "SOLUSDC", d("50"));
    private static final int STEPS = 200;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 6, 9})
    void settlementsAndUnfollowsMoveProfitShareFromCopiersToLeadersWithoutCreatingOrLosingMoney(long seed) {
        try (InMemoryLedger ledger = new InMemoryLedger()) {
            History history = new History(seed, ledger);
            history.setUp();
            for (int step = 0; step < STEPS; step++) {
                history.step(step);
            }
            history.assertItMeantSomething();
        }
    }

    /** One seeded history: the commands it sends and the state it folds from the ledger's events. */
    private static final class History {

        private final long seed;
        private final Random random;
        private final InMemoryLedger ledger;
        private final Model model = new Model();
        private int folded;
        private int ids;

        private int settlementsChecked;
        private int unfollowsChecked;
        private int paymentsSeen;
        private int mirrorsSeen;
        private int followsStartedAgain;

        History(long seed, InMemoryLedger ledger) {
            this.seed = seed;
            this.random = new Random(seed);
            this.ledger = ledger;
        }

        void setUp() {
            for (String symbol : SYMBOLS) {
                send(new ConfigureSymbol(id(), symbol, SETTLE_ASSET.get(symbol), d("0.005"), MAX_LEVERAGE.get(symbol)));
                send(new UpdateMarkPrice(id(), symbol, BASE_PRICE.get(symbol)));
            }
            for (String user : USERS) {
                send(new OpenAccount(id(), user + ":FUTURES"));
                send(new Deposit(id(), user + ":FUTURES", "USDT", d("1000000")));
                send(new Deposit(id(), user + ":FUTURES", "USDC", d("100000")));
            }
            for (String leader : LEADERS) {
                send(new OpenAccount(id(), leader + ":ELITE"));
                send(new Transfer(id(), leader + ":FUTURES", leader + ":ELITE", "USDT", amount(20000, 100000)));
                send(new Transfer(id(), leader + ":FUTURES", leader + ":ELITE", "USDC", amount(2000, 20000)));
                send(new SetLeaderTerms(id(), leader, rate(), 2 + random.nextInt(4)));
            }
            for (String copier : COPIERS) {
                send(new OpenAccount(id(), copier + ":COPY"));
                send(new Transfer(id(), copier + ":FUTURES", copier + ":COPY", "USDT", amount(300, 20000)));
                send(new Transfer(id(), copier + ":FUTURES", copier + ":COPY", "USDC", amount(50, 3000)));
                for (String leader : LEADERS) {
                    if (random.nextInt(3) > 0) {
                        send(follow(copier, leader));
                    }
                }
            }
        }

        void step(int step) {
            int dice = random.nextInt(100);
            if (dice < 34) {
                send(leadFill());
            } else if (dice < 41) {
                String symbol = pick(SYMBOLS);
                send(new UpdateMarkPrice(id(), symbol, around(model.marks.get(symbol), 0.04, symbol)));
            } else if (dice < 49) {
                send(copierReducingFill());
            } else if (dice < 52) {
                send(copierOwnFill());
            } else if (dice < 59) {
                send(funding());
            } else if (dice < 62) {
                send(marginMove());
            } else if (dice < 64) {
                send(liquidation());
            } else if (dice < 70) {
                send(transfer());
            } else if (dice < 76) {
                List<Pair> ended = model.pairs.values().stream().filter(p -> !p.active).toList();
                if (!ended.isEmpty() && random.nextBoolean()) {
                    Pair pair = ended.get(random.nextInt(ended.size()));
                    send(follow(pair.copier, pair.leader)); // following again
                } else {
                    send(follow(pick(COPIERS), pick(LEADERS)));
                }
            } else if (dice < 80) {
                squeeze(step);
            } else if (dice < 85) {
                checked(unfollow(), step);
            } else if (dice < 86) {
                send(new SetLeaderTerms(id(), pick(LEADERS), rate(), 1 + random.nextInt(5)));
            } else {
                checked(new SettleProfitShare(id(), pick(LEADERS)), step);
            }
        }

        void assertItMeantSomething() {
            String at = "seed " + seed;
            assertThat(settlementsChecked).as(at + ": accepted settlements").isGreaterThan(10);
            assertThat(unfollowsChecked).as(at + ": accepted unfollows").isGreaterThan(3);
            assertThat(paymentsSeen).as(at + ": profit-share payments").isGreaterThan(3);
            assertThat(mirrorsSeen).as(at + ": mirrored lead trades that booked something").isGreaterThan(30);
            assertThat(followsStartedAgain).as(at + ": follows made again").isGreaterThan(0);
            assertThat(model.settlementsShortOfMoney).as(at + ": settlements that could not pay all that was owed")
                    .isGreaterThan(0);
            assertThat(model.settlementsBelowZero).as(at + ": settlements with the copier's available below zero")
                    .isGreaterThan(0);
        }

        // ------------------------------------------------------------ the checks

        /**
         * Sends a SettleProfitShare or an Unfollow and checks it: wallets per asset conserved; what the copiers
         * paid is what the leader received; every pair that had something to settle was settled.
         */
        private void checked(LedgerCommand command, int step) {
            String at = "seed " + seed + " step " + step + " " + command;
            String leader = command instanceof SettleProfitShare s ? s.leader() : ((Unfollow) command).leader();
            Map<String, BigDecimal> sumsBefore = model.walletSums();
            List<String[]> due = model.dueSettlements(leader,
                    command instanceof Unfollow u ? u.copier() : null);

            RejectionCode refusal = ledger.send(command);
            List<Object> booked = fold(at);

            assertThat(model.walletSums()).as(at + ": wallets per asset").usingComparatorForType(BigDecimal::compareTo,
                    BigDecimal.class).isEqualTo(sumsBefore);
            if (refusal != null) {
                assertThat(booked).as(at + " was refused with " + refusal).isEmpty();
                return;
            }
            if (command instanceof SettleProfitShare) {
                settlementsChecked++;
            } else {
                unfollowsChecked++;
            }

            Map<String, BigDecimal> paid = new TreeMap<>();
            Map<String, Integer> payers = new TreeMap<>();
            Map<String, BigDecimal> received = new TreeMap<>();
            List<String> settled = new ArrayList<>();
            for (Object event : booked) {
                if (event instanceof ProfitShareSettled s) {
                    assertThat(s.leader()).as(at).isEqualTo(leader);
                    assertThat(s.leaderAccount()).as(at).isEqualTo(leader + ":ELITE");
                    paid.merge(s.asset(), s.paid(), BigDecimal::add);
                    if (s.paid().signum() > 0) {
                        payers.merge(s.asset(), 1, Integer::sum);
                        paymentsSeen++;
                    }
                    settled.add(user(s.account()) + " " + s.asset());
                } else if (event instanceof ProfitShareReceived r) {
                    assertThat(r.account()).as(at).isEqualTo(leader + ":ELITE");
                    assertThat(received).as(at + ": one receipt per asset").doesNotContainKey(r.asset());
                    received.put(r.asset(), r.amount());
                    if (command instanceof SettleProfitShare) {
                        assertThat(r.copiers()).as(at + ": copiers who paid " + r.asset()).isEqualTo(payers.get(r.asset()));
                    }
                }
            }
            paid.values().removeIf(amount -> amount.signum() == 0);
            assertThat(received).as(at + ": received per asset = paid per asset")
                    .usingComparatorForType(BigDecimal::compareTo, BigDecimal.class).isEqualTo(paid);
            assertThat(settled).as(at + ": the pairs settled, in copier order")
                    .containsExactlyElementsOf(due.stream().map(d -> d[0] + " " + d[1]).toList());
        }

        // ------------------------------------------------------------ commands

        /**
         * A copier who owes profit share moves all of its available out (and sometimes pays funding after it, which
         * leaves its available below zero) just before the leader settles: the settlement pays what it can.
         */
        private void squeeze(int step) {
            List<Pair> gaining = model.pairs.values().stream().filter(p -> p.netPnl.entrySet().stream()
                    .anyMatch(e -> e.getValue().compareTo(p.get(p.highWaterMark, e.getKey())) > 0
                            || p.get(p.owed, e.getKey()).signum() > 0)).toList();
            if (gaining.isEmpty()) {
                send(leadFill());
                return;
            }
            Pair pair = gaining.get(random.nextInt(gaining.size()));
            String account = pair.copier + ":COPY";
            for (String asset : pair.netPnl.keySet()) {
                BigDecimal available = model.available(account, asset);
                if (available.signum() > 0) {
                    send(new Transfer(id(), account, pair.copier + ":FUTURES", asset, available));
                }
            }
            Position position = pickPosition(p -> p.account.equals(account) && pair.netPnl.containsKey(p.asset));
            if (position != null && random.nextInt(4) > 0) {
                BigDecimal rate = position.side == PositionSide.LONG ? d("0.002") : d("-0.002");
                send(new SettleFunding(id(), account, position.symbol, rate, model.marks.get(position.symbol), null,
                        position.leader));
            }
            checked(new SettleProfitShare(id(), pair.leader), step);
        }

        private RecordFill leadFill() {
            String leader = pick(LEADERS);
            String symbol = pick(SYMBOLS);
            Position held = model.positions.get(key(leader + ":ELITE", symbol, null));
            BigDecimal price = around(model.marks.get(symbol), 0.03, symbol);
            Side side;
            BigDecimal quantity;
            int leverage = leverage(symbol);
            MarginMode mode = random.nextBoolean() ? MarginMode.ISOLATED : MarginMode.CROSS;
            if (held == null) {
                side = random.nextBoolean() ? Side.BUY : Side.SELL;
                quantity = quantity(symbol);
            } else {
                Side same = held.side == PositionSide.LONG ? Side.BUY : Side.SELL;
                int kind = random.nextInt(100);
                if (kind < 40) {
                    side = same;
                    quantity = quantity(symbol);
                    leverage = held.leverage;
                    mode = held.mode;
                } else {
                    side = same == Side.BUY ? Side.SELL : Side.BUY;
                    quantity = kind < 75 ? part(held.quantity) : kind < 90 ? held.quantity : held.quantity.add(quantity(symbol));
                }
            }
            return new RecordFill(id(), leader + ":ELITE", symbol, side, quantity, price, fee(price, quantity), leverage, mode);
        }

        /** A copier's own fill naming a leader: it reduces or closes a copied position (sometimes tries more). */
        private LedgerCommand copierReducingFill() {
            Position position = pickPosition(p -> p.account.endsWith(":COPY") && p.leader != null);
            if (position == null) {
                return leadFill();
            }
            Side side = position.side == PositionSide.LONG ? Side.SELL : Side.BUY;
            int kind = random.nextInt(10);
            BigDecimal quantity = kind < 6 ? part(position.quantity) : kind < 9 ? position.quantity
                    : position.quantity.add(d("0.00000001")); // a flip: COPY_MANAGED
            BigDecimal price = around(model.marks.get(position.symbol), 0.03, position.symbol);
            return new RecordFill(id(), position.account, position.symbol, side, quantity, price, fee(price, quantity),
                    1 + random.nextInt(20), random.nextBoolean() ? MarginMode.ISOLATED : MarginMode.CROSS, null,
                    position.leader);
        }

        /** A copier's own position (no leader): it holds margin and moves the copier's available. */
        private RecordFill copierOwnFill() {
            String copier = pick(COPIERS);
            String symbol = pick(SYMBOLS);
            Position held = model.positions.get(key(copier + ":COPY", symbol, null));
            BigDecimal price = around(model.marks.get(symbol), 0.03, symbol);
            if (held != null && random.nextBoolean()) {
                Side side = held.side == PositionSide.LONG ? Side.SELL : Side.BUY;
                return new RecordFill(id(), copier + ":COPY", symbol, side, random.nextBoolean() ? held.quantity
                        : part(held.quantity), price, fee(price, held.quantity), held.leverage, held.mode);
            }
            BigDecimal quantity = quantity(symbol).divide(d("4"), 8, RoundingMode.DOWN);
            Side side = held != null ? (held.side == PositionSide.LONG ? Side.BUY : Side.SELL)
                    : random.nextBoolean() ? Side.BUY : Side.SELL;
            return new RecordFill(id(), copier + ":COPY", symbol, side, quantity, price, fee(price, quantity),
                    held != null ? held.leverage : leverage(symbol), held != null ? held.mode : MarginMode.CROSS);
        }

        private LedgerCommand funding() {
            Position position = pickPosition(p -> true);
            if (position == null) {
                return leadFill();
            }
            BigDecimal rate = BigDecimal.valueOf(random.nextInt(4001) - 2000, 6); // -0.002 .. 0.002
            return new SettleFunding(id(), position.account, position.symbol, rate, model.marks.get(position.symbol),
                    null, position.leader);
        }

        private LedgerCommand marginMove() {
            Position position = pickPosition(p -> p.mode == MarginMode.ISOLATED);
            if (position == null) {
                return leadFill();
            }
            BigDecimal amount = position.margin.multiply(BigDecimal.valueOf(random.nextInt(61) - 20, 2))
                    .setScale(8, RoundingMode.DOWN);
            if (amount.signum() == 0) {
                amount = d("1");
            }
            return new AdjustIsolatedMargin(id(), position.account, position.symbol, amount, null, position.leader);
        }

        /** A lead liquidation (mirrored to the copiers) or a copier's liquidation of a copied position. */
        private LedgerCommand liquidation() {
            Position position = random.nextBoolean()
                    ? pickPosition(p -> p.account.endsWith(":ELITE"))
                    : pickPosition(p -> p.account.endsWith(":COPY") && p.leader != null);
            if (position == null) {
                return leadFill();
            }
            BigDecimal price = around(model.marks.get(position.symbol), 0.15, position.symbol);
            return new Liquidate(id(), position.account, position.symbol, price, null, position.leader);
        }

        /** Money in or out of a COPY account; sometimes all of its available, so that profit share waits for money. */
        private Transfer transfer() {
            String user = pick(COPIERS);
            String asset = random.nextInt(3) == 0 ? "USDC" : "USDT";
            BigDecimal available = model.available(user + ":COPY", asset);
            if (random.nextBoolean() && available.signum() > 0) {
                return new Transfer(id(), user + ":COPY", user + ":FUTURES", asset, available);
            }
            BigDecimal amount = asset.equals("USDT") ? amount(100, 5000) : amount(10, 500);
            return random.nextBoolean()
                    ? new Transfer(id(), user + ":FUTURES", user + ":COPY", asset, amount)
                    : new Transfer(id(), user + ":COPY", user + ":FUTURES", asset, amount);
        }

        private Follow follow(String copier, String leader) {
            Follow follow = random.nextBoolean()
                    ? Follow.byRatio(id(), copier, leader, d(pick(new String[]{"0.1", "0.5", "1", "0.01", "0.33333333", "2"})))
                    : Follow.byAmount(id(), copier, leader, amount(50, 3000));
            if (random.nextInt(3) == 0) {
                follow = follow.withMaxTotalMargin(amount(100, 5000));
            }
            if (random.nextInt(3) == 0) {
                follow = follow.withMaxLoss(amount(20, 1500));
            }
            return follow;
        }

        private Unfollow unfollow() {
            List<Pair> active = model.pairs.values().stream().filter(p -> p.active).toList();
            CloseMode close = random.nextInt(3) == 0 ? CloseMode.MANUAL : CloseMode.WITH_LEADER;
            if (active.isEmpty() || random.nextInt(10) == 0) {
                return new Unfollow(id(), pick(COPIERS), pick(LEADERS), close);
            }
            Pair pair = active.get(random.nextInt(active.size()));
            return new Unfollow(id(), pair.copier, pair.leader, close);
        }

        // ------------------------------------------------------------ random values

        private String id() {
            return "h" + seed + "-" + (++ids);
        }

        private String pick(String[] values) {
            return values[random.nextInt(values.length)];
        }

        private String pick(List<String> values) {
            return values.get(random.nextInt(values.size()));
        }

        private BigDecimal amount(int from, int to) {
            return BigDecimal.valueOf(from + random.nextInt(to - from + 1))
                    .add(BigDecimal.valueOf(random.nextInt(100), 2));
        }

        private BigDecimal rate() {
            return switch (random.nextInt(5)) {
                case 0 -> d("0");
                case 1 -> d("0.5");
                case 2 -> d("0.1");
                default -> BigDecimal.valueOf(random.nextInt(50_000_001), 8); // up to 0.5, 8 digits
            };
        }

        private int leverage(String symbol) {
            int[] choices = {1, 2, 5, 10, 20};
            return Math.min(choices[random.nextInt(choices.length)], MAX_LEVERAGE.get(symbol));
        }

        /** A price near {@code reference}: sometimes with 8 fractional digits, usually with 2. */
        private BigDecimal around(BigDecimal reference, double spread, String symbol) {
            double factor = 1 + (random.nextDouble() * 2 - 1) * spread;
            int scale = random.nextInt(4) == 0 ? 8 : 2;
            BigDecimal price = reference.multiply(BigDecimal.valueOf(factor)).setScale(scale, RoundingMode.HALF_EVEN);
            BigDecimal floor = BASE_PRICE.get(symbol).divide(d("4"), 2, RoundingMode.HALF_EVEN);
            return price.max(floor);
        }

        private BigDecimal quantity(String symbol) {
            double factor = 0.05 + random.nextDouble() * 2;
            int scale = random.nextInt(4) == 0 ? 8 : 3;
            return BASE_QUANTITY.get(symbol).multiply(BigDecimal.valueOf(factor)).setScale(scale, RoundingMode.DOWN)
                    .max(d("0.001"));
        }

        /** A part of {@code quantity}, above 0 and below all of it where it can be. */
        private BigDecimal part(BigDecimal quantity) {
            BigDecimal part = quantity.multiply(BigDecimal.valueOf(1 + random.nextInt(98), 2)).setScale(8, RoundingMode.DOWN);
            return part.signum() > 0 ? part : quantity;
        }

        private BigDecimal fee(BigDecimal price, BigDecimal quantity) {
            BigDecimal rate = d(pick(new String[]{"0", "0.0002", "0.0005", "0.00037"}));
            return price.multiply(quantity).multiply(rate).setScale(8, RoundingMode.HALF_EVEN);
        }

        private Position pickPosition(Predicate<Position> which) {
            List<Position> candidates = model.positions.values().stream().filter(which).toList();
            return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
        }

        // ------------------------------------------------------------ sending and folding

        private void send(LedgerCommand command) {
            ledger.send(command);
            fold(lazy(() -> "seed " + seed + " " + command));
        }

        /** Folds the events stored since the last fold into the model; returns them. */
        private List<Object> fold(Object at) {
            List<Object> all = ledger.allEvents();
            List<Object> fresh = new ArrayList<>(all.subList(folded, all.size()));
            folded = all.size();
            for (Object event : fresh) {
                if (event instanceof FollowStarted started
                        && model.pairs.containsKey(user(started.account()) + "|" + started.leader())) {
                    followsStartedAgain++;
                }
                model.apply(event, at);
                if (event instanceof TradeCopied t && t.quantity().signum() > 0) {
                    mirrorsSeen++;
                }
            }
            return fresh;
        }
    }

    // ---------------------------------------------------------------- the model, folded from the events

    private static final class Position {
        String account;
        String symbol;
        String asset;
        String leader;
        PositionSide side;
        BigDecimal quantity;
        BigDecimal entryNotional;
        int leverage;
        MarginMode mode;
        BigDecimal margin;
    }

    /** A pair (copier, leader): the latest follow's state and rate, and per asset its figures. */
    private static final class Pair {
        final String copier;
        final String leader;
        boolean active;
        BigDecimal rate;
        final Map<String, BigDecimal> netPnl = new TreeMap<>();
        final Map<String, BigDecimal> highWaterMark = new TreeMap<>();
        final Map<String, BigDecimal> owed = new TreeMap<>();
        final Map<String, BigDecimal> paidTotal = new TreeMap<>();

        Pair(String copier, String leader) {
            this.copier = copier;
            this.leader = leader;
        }

        BigDecimal get(Map<String, BigDecimal> figures, String asset) {
            return figures.getOrDefault(asset, BigDecimal.ZERO);
        }
    }

    private static final class Model {
        int settlementsShortOfMoney;
        int settlementsBelowZero;
        final Map<String, Map<String, BigDecimal>> wallets = new TreeMap<>();
        final Map<String, Position> positions = new TreeMap<>();
        final Map<String, Pair> pairs = new TreeMap<>();
        final Map<String, BigDecimal> marks = new HashMap<>();
        final Map<String, String> settleAssets = new HashMap<>();
        final Map<String, BigDecimal> leaderRates = new HashMap<>();

        void apply(Object event, Object at) {
            if (event instanceof TradeCopied copied) {
                assertThat(copied.account()).as("%s", at).endsWith(":COPY");
                for (Object part : new Object[]{copied.reduced(), copied.opened(), copied.increased(), copied.fee(),
                        copied.liquidated(), copied.insuranceCover()}) {
                    if (part != null) {
                        apply(part, at);
                    }
                }
                return;
            }
            if (event instanceof ProfitShareSettled settled) {
                checkSettlement(settled, at);
            }
            book(event, at);
            track(event, at);
        }

        /** The wallet of any record with a {@code walletAfter}: the one rule the conservation check reads. */
        private void book(Object event, Object at) {
            BigDecimal walletAfter = (BigDecimal) component(event, "walletAfter");
            if (walletAfter == null) {
                return;
            }
            Object asset = component(event, "asset");
            if (asset == null) {
                asset = component(event, "settleAsset");
            }
            assertThat(asset).as("%s: the asset of %s", at, event).isNotNull();
            String account = ((dev.ledger.domain.event.AccountEvent) event).account();
            wallets.computeIfAbsent(account, a -> new TreeMap<>()).put((String) asset, walletAfter);
        }

        /** Positions, marks, terms and the pairs' figures. */
        private void track(Object event, Object at) {
            if (event instanceof SymbolConfigured configured) {
                settleAssets.put(configured.symbol(), configured.settleAsset());
            } else if (event instanceof MarkPriceUpdated mark) {
                marks.put(mark.symbol(), mark.price());
            } else if (event instanceof LeaderTermsSet terms) {
                leaderRates.put(terms.leader(), terms.profitShareRate());
            } else if (event instanceof PositionOpened opened) {
                Position position = new Position();
                position.account = opened.account();
                position.symbol = opened.symbol();
                position.asset = opened.settleAsset();
                position.leader = opened.leader();
                position.side = opened.side();
                position.quantity = opened.quantity();
                position.entryNotional = opened.entryNotional();
                position.leverage = opened.leverage();
                position.mode = opened.marginMode();
                position.margin = opened.positionMargin();
                Position before = positions.put(key(opened.account(), opened.symbol(), opened.leader()), position);
                assertThat(before).as("%s: opened over an open position %s", at, opened).isNull();
            } else if (event instanceof PositionIncreased increased) {
                Position position = existing(increased.account(), increased.symbol(), increased.leader(), at);
                position.quantity = increased.quantityAfter();
                position.entryNotional = increased.entryNotionalAfter();
                position.margin = increased.positionMarginAfter();
            } else if (event instanceof PositionReduced reduced) {
                Position position = existing(reduced.account(), reduced.symbol(), reduced.leader(), at);
                if (reduced.closed()) {
                    positions.remove(key(reduced.account(), reduced.symbol(), reduced.leader()));
                } else {
                    position.quantity = reduced.quantityAfter();
                    position.entryNotional = reduced.entryNotionalAfter();
                    position.margin = reduced.positionMarginAfter();
                }
                pairBooked(reduced.account(), reduced.leader(), reduced.settleAsset(), reduced.realizedPnl());
            } else if (event instanceof PositionLiquidated liquidated) {
                existing(liquidated.account(), liquidated.symbol(), liquidated.leader(), at);
                positions.remove(key(liquidated.account(), liquidated.symbol(), liquidated.leader()));
                pairBooked(liquidated.account(), liquidated.leader(), liquidated.settleAsset(), liquidated.realizedPnl());
            } else if (event instanceof IsolatedMarginAdjusted adjusted) {
                existing(adjusted.account(), adjusted.symbol(), adjusted.leader(), at).margin = adjusted.positionMarginAfter();
            } else if (event instanceof FeeCharged fee) {
                pairBooked(fee.account(), fee.leader(), fee.asset(), fee.fee().negate());
            } else if (event instanceof FundingSettled funding) {
                pairBooked(funding.account(), funding.leader(), funding.settleAsset(), funding.walletChange());
            } else if (event instanceof FollowStarted started) {
                Pair pair = pair(user(started.account()), started.leader());
                assertThat(started.profitShareRate()).as("%s: a follow takes the leader's current rate", at)
                        .isEqualByComparingTo(leaderRates.get(started.leader()));
                pair.active = true;
                pair.rate = started.profitShareRate();
            } else if (event instanceof FollowEnded ended) {
                Pair pair = pair(user(ended.account()), ended.leader());
                assertThat(pair.active).as("%s: ends an active follow %s", at, ended).isTrue();
                pair.active = false;
                if (ended.reason() == FollowEndReason.LOSS_LIMIT) {
                    assertThat(ended.close()).as("%s", at).isEqualTo(CloseMode.WITH_LEADER);
                }
            }
        }

        /** A booking on a copier's position of a leader counts in the pair's net PnL. */
        private void pairBooked(String account, String leader, String asset, BigDecimal amount) {
            if (leader == null || !account.endsWith(":COPY")) {
                return;
            }
            pair(user(account), leader).netPnl.merge(asset, amount, BigDecimal::add);
        }

        /** Checks one pair's settlement in one asset against the rule, then records it. */
        private void checkSettlement(ProfitShareSettled settled, Object at) {
            Pair pair = pairs.get(user(settled.account()) + "|" + settled.leader());
            assertThat(pair).as("%s: settles a pair that exists %s", at, settled).isNotNull();
            String asset = settled.asset();
            String what = at + ": " + settled;
            BigDecimal netPnl = pair.get(pair.netPnl, asset);
            BigDecimal mark = pair.get(pair.highWaterMark, asset);
            BigDecimal accrued = netPnl.compareTo(mark) > 0
                    ? netPnl.subtract(mark).multiply(pair.rate).setScale(8, RoundingMode.HALF_EVEN) : BigDecimal.ZERO;
            BigDecimal owed = pair.get(pair.owed, asset).add(accrued);
            BigDecimal pay = owed.min(available(settled.account(), asset).max(BigDecimal.ZERO));
            if (pay.compareTo(owed) < 0) {
                settlementsShortOfMoney++;
                if (available(settled.account(), asset).signum() < 0) {
                    settlementsBelowZero++;
                }
            }
            assertThat(settled.netPnl()).as(what + " netPnl").isEqualByComparingTo(netPnl);
            assertThat(settled.accrued()).as(what + " accrued").isEqualByComparingTo(accrued);
            assertThat(settled.highWaterMarkAfter()).as(what + " highWaterMark").isEqualByComparingTo(netPnl.max(mark));
            assertThat(settled.paid()).as(what + " paid").isEqualByComparingTo(pay);
            assertThat(settled.owedAfter()).as(what + " owed").isEqualByComparingTo(owed.subtract(pay));
            assertThat(settled.paidTotalAfter()).as(what + " paid in all")
                    .isEqualByComparingTo(pair.get(pair.paidTotal, asset).add(pay));
            assertThat(settled.walletAfter()).as(what + " copier's wallet")
                    .isEqualByComparingTo(wallet(settled.account(), asset).subtract(pay));
            pair.highWaterMark.put(asset, netPnl.max(mark));
            pair.owed.put(asset, owed.subtract(pay));
            pair.paidTotal.put(asset, pair.get(pair.paidTotal, asset).add(pay));
        }

        /**
         * The (copier, asset) settlements a SettleProfitShare of {@code leader} (or an Unfollow of {@code copier})
         * must book, in copier order: where the net PnL is above the high-water mark, or something is owed and
         * the copier's available can pay some of it.
         */
        List<String[]> dueSettlements(String leader, String onlyCopier) {
            List<String[]> due = new ArrayList<>();
            if (onlyCopier != null) {
                Pair pair = pairs.get(onlyCopier + "|" + leader);
                if (pair == null || !pair.active) {
                    return due; // refused: NOT_FOLLOWING
                }
            }
            for (Pair pair : pairs.values()) {
                if (!pair.leader.equals(leader) || (onlyCopier != null && !pair.copier.equals(onlyCopier))) {
                    continue;
                }
                for (String asset : pair.netPnl.keySet()) {
                    boolean above = pair.get(pair.netPnl, asset).compareTo(pair.get(pair.highWaterMark, asset)) > 0;
                    boolean payable = pair.get(pair.owed, asset).signum() > 0
                            && available(pair.copier + ":COPY", asset).signum() > 0;
                    if (above || payable) {
                        due.add(new String[]{pair.copier, asset});
                    }
                }
            }
            return due;
        }

        /** {@code available = wallet - isolatedMargin - crossInitialMargin + min(0, crossUnrealizedPnl)}. */
        BigDecimal available(String account, String asset) {
            BigDecimal held = BigDecimal.ZERO;
            BigDecimal crossUnrealized = BigDecimal.ZERO;
            for (Position position : positions.values()) {
                if (!position.account.equals(account) || !position.asset.equals(asset)) {
                    continue;
                }
                if (position.mode == MarginMode.ISOLATED) {
                    held = held.add(position.margin);
                } else {
                    held = held.add(position.entryNotional.divide(BigDecimal.valueOf(position.leverage), 8,
                            RoundingMode.HALF_EVEN));
                    BigDecimal value = marks.get(position.symbol).multiply(position.quantity).setScale(8, RoundingMode.HALF_EVEN);
                    crossUnrealized = crossUnrealized.add(position.side == PositionSide.LONG
                            ? value.subtract(position.entryNotional) : position.entryNotional.subtract(value));
                }
            }
            return wallet(account, asset).subtract(held).add(crossUnrealized.min(BigDecimal.ZERO));
        }

        BigDecimal wallet(String account, String asset) {
            return wallets.getOrDefault(account, Map.of()).getOrDefault(asset, BigDecimal.ZERO);
        }

        /** Per asset, the sum of every account's wallet. */
        Map<String, BigDecimal> walletSums() {
            Map<String, BigDecimal> sums = new TreeMap<>();
            wallets.values().forEach(byAsset -> byAsset.forEach((asset, wallet) -> sums.merge(asset, wallet, BigDecimal::add)));
            return sums;
        }

        private Pair pair(String copier, String leader) {
            return pairs.computeIfAbsent(copier + "|" + leader, k -> new Pair(copier, leader));
        }

        private Position existing(String account, String symbol, String leader, Object at) {
            Position position = positions.get(key(account, symbol, leader));
            assertThat(position).as("%s: a position of %s in %s copying %s", at, account, symbol, leader).isNotNull();
            return position;
        }
    }

    // ---------------------------------------------------------------- helpers

    private static String key(String account, String symbol, String leader) {
        return account + "|" + symbol + "|" + (leader == null ? "" : leader);
    }

    private static String user(String account) {
        return account.substring(0, account.lastIndexOf(':'));
    }

    private static Object component(Object record, String name) {
        if (!record.getClass().isRecord()) {
            return null;
        }
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            if (component.getName().equals(name)) {
                try {
                    return component.getAccessor().invoke(record);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return null;
    }

    private static BigDecimal d(String value) {
        return new BigDecimal(value);
    }

    /** A description built only when an assertion fails. */
    private static Object lazy(Supplier<String> text) {
        return new Object() {
            @Override
            public String toString() {
                return text.get();
            }
        };
    }
}
