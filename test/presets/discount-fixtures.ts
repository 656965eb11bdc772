import iconv from 'iconv-lite';

/**
 * QR statements with merchant-funded discounts (DOMAIN.md §2.5–2.7), built as the providers write them: the
 * Alipay 业务明细 (GBK, `#` blocks, tab padding, 服务费 negative), the WeChat ALL trade bill (backticks, summary pair)
 * and the 利楚/扫呗 headerless file (fen). Amounts are given in fen.
 */

const gbk = (lines: readonly string[]): Buffer => iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk');
/** Fen as the bills write yuan: 6000 → 60.00, −30 → -0.30. */
export const yuan = (fen: number): string => `${fen < 0 ? '-' : ''}${(Math.abs(fen) / 100).toFixed(2)}`;

export interface AlipayRow {
  order: string;
  type: '交易' | '退款';
  time: string;
  /** 订单金额 (元 in the file). */
  orderFen: number;
  /** 商家实收. */
  receivedFen: number;
  /** 商家优惠. */
  discountFen: number;
  /** 服务费 as Alipay writes it: negative when charged, positive when returned. */
  feeFen: number;
  batch?: string;
  done?: string;
}

export const ALIPAY_ACCOUNT = '2088123412341234';

/** An Alipay 业务明细 CSV (GBK) with its footer stating the rows' 商家实收. */
export function alipayDetail(rows: readonly AlipayRow[]): Buffer {
  const lines = [
    '#支付宝业务明细查询',
    `#账号：[${ALIPAY_ACCOUNT}]`,
    '#起始日期：[2026年10月08日 00:00:00]   终止日期：[2026年10月10日 00:00:00]',
    '#-----------------------------------------业务明细列表----------------------------------------',
    '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注',
  ];
  for (const [i, r] of rows.entries())
    lines.push(
      [
        `202610082200100${i}`,
        r.order,
        r.type,
        '商品',
        r.time,
        r.done ?? r.time.replace(/:00$/, ':05'),
        '',
        '门店一',
        '',
        'T01',
        'abc***@163.com',
        yuan(r.orderFen),
        yuan(r.receivedFen),
        '0.00',
        '0.00',
        '0.00',
        yuan(r.discountFen),
        '0.00',
        '',
        '0.00',
        '0.00',
        r.batch ?? '',
        yuan(r.feeFen),
        '0.00',
        '',
      ]
        .map((c) => `${c}\t`)
        .join(','),
    );
  const of = (type: AlipayRow['type']) => rows.filter((r) => r.type === type);
  const sum = (list: readonly AlipayRow[], f: (r: AlipayRow) => number) => list.reduce((a, r) => a + f(r), 0);
  const sales = of('交易');
  const refunds = of('退款');
  lines.push(
    '#-----------------------------------------业务明细列表结束------------------------------------',
    `#交易合计：${sales.length}笔，商家实收共${yuan(sum(sales, (r) => r.receivedFen))}元，商家优惠共${yuan(sum(sales, (r) => r.discountFen))}元，服务费共${yuan(sum(sales, (r) => r.feeFen))}元，分润共0.00元`,
    `#退款合计：${refunds.length}笔，商家实收共${yuan(sum(refunds, (r) => r.receivedFen))}元，商家优惠共${yuan(sum(refunds, (r) => r.discountFen))}元，服务费共${yuan(sum(refunds, (r) => r.feeFen))}元，分润共0.00元`,
    '#导出时间：[2026年10月10日 10:21:23]',
  );
  return gbk(lines);
}

/** The QA bill of D2: A006 is a 60.00 order with a 10.00 商家优惠, 50.00 商家实收 and 0.19 服务费 (0.38% × 50). */
export const ALIPAY_D2: readonly AlipayRow[] = [
  {
    order: 'A001',
    type: '交易',
    time: '2026-10-08 10:00:00',
    orderFen: 10000,
    receivedFen: 10000,
    discountFen: 0,
    feeFen: -38,
  },
  {
    order: 'A002',
    type: '交易',
    time: '2026-10-08 10:01:00',
    orderFen: 100,
    receivedFen: 100,
    discountFen: 0,
    feeFen: 0,
  },
  {
    order: 'A005',
    type: '交易',
    time: '2026-10-08 10:04:00',
    orderFen: 50000,
    receivedFen: 50000,
    discountFen: 0,
    feeFen: -300,
  },
  {
    order: 'A006',
    type: '交易',
    time: '2026-10-08 10:05:00',
    orderFen: 6000,
    receivedFen: 5000,
    discountFen: 1000,
    feeFen: -19,
  },
  {
    order: 'A001',
    type: '退款',
    time: '2026-10-08 10:00:00',
    done: '2026-10-08 16:00:00',
    orderFen: 10000,
    receivedFen: -3000,
    discountFen: 0,
    feeFen: 11,
    batch: 'A001R1',
  },
];

export interface WechatRow {
  order: string;
  time: string;
  state: 'SUCCESS' | 'REFUND';
  /** 应结订单金额 (0 on a refund row). */
  settlesFen: number;
  /** 代金券金额. */
  couponFen: number;
  /** 订单金额 (0 on a refund row). */
  orderFen: number;
  /** 手续费, merchant's view as WeChat writes it (negative when returned). */
  feeFen: number;
  /** 退款金额 and 申请退款金额 of a refund row. */
  refundFen?: number;
  refundAskedFen?: number;
  refundNo?: string;
}

export const WECHAT_MERCHANT = '1900000001';

/** A WeChat Pay ALL trade bill (GBK, as the merchant portal saves it), with its summary pair. */
export function wechatBill(rows: readonly WechatRow[]): Buffer {
  const lines = [
    '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注',
  ];
  for (const r of rows) {
    const refund = r.state === 'REFUND';
    lines.push(
      [
        r.time,
        'wx2f8a0c9b3e5d7a1c',
        WECHAT_MERCHANT,
        '0',
        'POS01',
        `4200${r.order}`,
        r.order,
        `oUser${r.order}`,
        'MICROPAY',
        r.state,
        'OTHERS',
        'CNY',
        yuan(r.settlesFen),
        yuan(r.couponFen),
        refund ? `5030${r.refundNo}` : '0',
        refund ? (r.refundNo ?? '') : '0',
        yuan(r.refundFen ?? 0),
        '0.00',
        refund ? 'ORIGINAL' : '',
        refund ? 'SUCCESS' : '',
        '商品',
        '',
        `${yuan(r.feeFen)}000`,
        '0.38%',
        yuan(r.orderFen),
        yuan(r.refundAskedFen ?? 0),
        '',
      ]
        .map((c) => `\`${c}`)
        .join(','),
    );
  }
  const sum = (f: (r: WechatRow) => number) => rows.reduce((a, r) => a + f(r), 0);
  lines.push(
    '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
    [
      String(rows.length),
      yuan(sum((r) => r.settlesFen)),
      yuan(sum((r) => r.refundFen ?? 0)),
      '0.00',
      `${yuan(sum((r) => r.feeFen))}000`,
      yuan(sum((r) => r.orderFen)),
      yuan(sum((r) => r.refundAskedFen ?? 0)),
    ]
      .map((c) => `\`${c}`)
      .join(','),
  );
  return gbk(lines);
}

/**
 * The QA bill of D3: ORD007 is a 60.00 order with a 10.00 免充值 coupon (应结 50.00, fee 0.19 on it); ORD008 is
 * charged 0.60% instead of 0.38%; ORD009 (in the journal) is missing.
 */
export const WECHAT_D3: readonly WechatRow[] = [
  {
    order: 'ORD001',
    time: '2026-10-08 10:00:00',
    state: 'SUCCESS',
    settlesFen: 10000,
    couponFen: 0,
    orderFen: 10000,
    feeFen: 38,
  },
  {
    order: 'ORD007',
    time: '2026-10-08 10:10:00',
    state: 'SUCCESS',
    settlesFen: 5000,
    couponFen: 1000,
    orderFen: 6000,
    feeFen: 19,
  },
  {
    order: 'ORD008',
    time: '2026-10-09 11:00:00',
    state: 'SUCCESS',
    settlesFen: 20000,
    couponFen: 0,
    orderFen: 20000,
    feeFen: 120,
  },
];

/** The refund of D3's ORD007: 申请退款金额 60.00 (the order), 退款金额 50.00 (what settled), the 0.19 fee returned. */
export const WECHAT_ORD007_REFUND: WechatRow = {
  order: 'ORD007',
  time: '2026-10-08 15:00:00',
  state: 'REFUND',
  settlesFen: 0,
  couponFen: 0,
  orderFen: 0,
  feeFen: -19,
  refundFen: 5000,
  refundAskedFen: 6000,
  refundNo: 'RF007',
};

/** A cashier journal (generic columns, GBK): order number, amount in 元 (negative for a refund). */
export function cashierJournal(
  rows: readonly {
    time: string;
    channel: '微信' | '支付宝';
    order: string;
    original?: string;
    amountFen: number;
  }[],
  terminalId = 'POS01',
): Buffer {
  return gbk([
    '交易时间,终端号,支付方式,订单号,原订单号,交易金额,交易类型,状态',
    ...rows.map((r) =>
      [
        r.time,
        terminalId,
        r.channel,
        r.order,
        r.original ?? '',
        yuan(r.amountFen),
        r.amountFen < 0 ? '退款' : '消费',
        '成功',
      ].join(','),
    ),
  ]);
}

export interface LcswRow {
  time: string;
  order: string;
  /** 交易金额 (a refund row repeats the original order's). */
  amountFen: number;
  feeFen: number;
  refundFen: number;
  /** 结余金额: what the merchant keeps. */
  balanceFen: number;
  type: '支付' | '退款';
  original?: string;
  /** 商家优惠金额, 商家实收金额, 用户实付金额, 平台优惠金额. */
  merchantDiscountFen: number;
  receivedFen: number;
  paidFen: number;
  platformDiscountFen: number;
}

export const LCSW_MERCHANT = '852100000001';

/** A 利楚/扫呗 sale L002 of 60.00 with a 10.00 商家优惠: 商家实收 50.00, 0.19 fee on it, 49.81 kept. */
export const LCSW_DISCOUNTED_SALE: LcswRow = {
  time: '2026-10-08 10:10:00',
  order: 'L002',
  amountFen: 6000,
  feeFen: 19,
  refundFen: 0,
  balanceFen: 4981,
  type: '支付',
  merchantDiscountFen: 1000,
  receivedFen: 5000,
  paidFen: 5000,
  platformDiscountFen: 0,
};

/** A 利楚/扫呗 对账单: headerless, comma separated, fen, 28 columns (DOMAIN.md §2.5), GBK. */
export function lcswStatement(rows: readonly LcswRow[]): Buffer {
  return gbk(
    rows.map((r, i) =>
      [
        LCSW_MERCHANT,
        '30012345',
        r.time,
        r.type === '退款' ? r.time : '',
        r.amountFen,
        r.feeFen,
        r.refundFen,
        r.balanceFen,
        '1',
        r.type,
        '成功',
        r.order,
        r.original ?? '',
        String(i + 1).padStart(6, '0'),
        `4200${r.order}`,
        r.time.slice(0, 10).replace(/-/g, ''),
        `oU${r.original ?? r.order}`,
        '',
        '',
        r.merchantDiscountFen,
        r.receivedFen,
        r.paidFen,
        r.platformDiscountFen,
        '',
        'DEV1',
        '',
        '测试门店',
        '扫呗',
      ].join(','),
    ),
  );
}
