import { describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/storage/database.js';
import { DIALECTS } from '../storage/test-storage.js';
import { dialectAppPerTest } from './dialect-app.js';

const openApp = dialectAppPerTest();

const ROBOTS = [
  { type: 'feishu', url: 'https://open.feishu.cn/open-apis/bot/v2/hook/xyz-123', secret: 'fs' },
  { type: 'feishu', url: 'https://open.larksuite.com/open-apis/bot/v2/hook/lark-456?x=1', secret: 'fs' },
  { type: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wc-789' },
  { type: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=dt-000', secret: 'dt' },
];

describe.each(DIALECTS)('alert channels never show a robot’s token, on %s', (dialect: DialectName) => {
  it('masks the Feishu hook token in the path as the WeCom key and the DingTalk token are masked', async () => {
    const a = await openApp(dialect);
    const added = [];
    for (const robot of ROBOTS) {
      const res = await a.post('alert-channels', robot);
      expect(res.statusCode, res.body).toBe(201);
      added.push(res.json<{ target: string }>().target);
    }
    const listed = await a.get('alert-channels');
    const targets = listed.json<{ channels: { target: string }[] }>().channels.map((c) => c.target);
    const masked = [
      'https://open.feishu.cn/open-apis/bot/v2/hook/***',
      'https://open.larksuite.com/open-apis/bot/v2/hook/***?x=1',
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***',
      'https://oapi.dingtalk.com/robot/send?access_token=***',
    ];
    expect(targets).toEqual(masked);
    expect(added).toEqual(masked);
    for (const token of ['xyz-123', 'lark-456', 'wc-789', 'dt-000']) expect(listed.body).not.toContain(token);
  });
});
