import type { ChannelDriver, ChannelKind } from '../types';
import { dingtalkDriver } from './dingtalk';
import { emailDriver } from './email';
import { feishuDriver } from './feishu';
import { smppDriver } from './smpp';
import { smsAliyunDriver } from './sms-aliyun';
import { webhookDriver } from './webhook';
import { wecomDriver } from './wecom';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const DRIVERS: Record<ChannelKind, ChannelDriver<any>> = {
  wecom: wecomDriver,
  dingtalk: dingtalkDriver,
  feishu: feishuDriver,
  sms_aliyun: smsAliyunDriver,
  smpp: smppDriver,
  email: emailDriver,
  webhook: webhookDriver,
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function driverFor(kind: ChannelKind): ChannelDriver<any> {
  const d = DRIVERS[kind];
  if (!d) throw new Error(`no driver for channel kind ${String(kind)}`);
  return d;
}
