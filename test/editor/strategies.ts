/**
 * Test fixtures shared by the language-server tests: a small strategy the risk analysis flags
 * (R0420: `e` read before `ready(e)`; R0401: `size` may exceed max_order_qty).
 */
export const RISKY = `strategy R "risk probe"

instrument es = "ESZ4"

param size: qty = 2 in [1, 8]

risk {
  max_position    = 4
  max_order_qty   = 4
  max_open_orders = 2
  max_order_rate  = 5 per 1s
  max_loss        = 20_000
  price_band      = 6 ticks
}

features {
  mid = book.mid(es)
  e   = ema(mid, 20)
}

on book(es) when ready(book.best_ask(es)) {
  if e > mid and exposure(es, buy) + size <= 4 {
    buy(es, size, limit: book.best_ask(es), tif: ioc)
  }
}
`;
