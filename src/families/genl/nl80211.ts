// nl80211 basics (linux/nl80211.h): wiphy and interface get/dump and their notifications. Only
// the common attributes are declared; the rest decode as unknown attributes, kept byte-exact.
import { attrSet, defineEnum } from '../../schema/define.js';
import { defineGenlFamily, event, getOp } from './define.js';

/** Enum `nl80211-iftype` (linux/nl80211.h): values by name. */
export const nl80211Iftype = defineEnum('nl80211-iftype', {
  unspecified: 0, adhoc: 1, station: 2, ap: 3, ap_vlan: 4, wds: 5, monitor: 6, mesh_point: 7, p2p_client: 8,
  p2p_go: 9, p2p_device: 10, ocb: 11, nan: 12,
});

/** Enum `nl80211-chan-width` (linux/nl80211.h): values by name. */
export const nl80211ChannelWidth = defineEnum('nl80211-chan-width', {
  '20_noht': 0, '20': 1, '40': 2, '80': 3, '80p80': 4, '160': 5, '5': 6, '10': 7, '1': 8, '2': 9, '4': 10, '8': 11, '16': 12, '320': 13,
});

/** NL80211_FREQUENCY_ATTR_* (a subset). */
export const nl80211Frequency = attrSet('nl80211-frequency', {
  freq: { id: 1, type: 'u32' },
  disabled: { id: 2, type: 'flag' },
  maxTxPower: { id: 6, type: 'u32' },
});
/** NL80211_BAND_ATTR_* (a subset). */
export const nl80211Band = attrSet('nl80211-band', {
  freqs: { id: 1, type: 'indexed-array', item: nl80211Frequency },
  htCapa: { id: 4, type: 'u16' },
});

/** NL80211_ATTR_* used by wiphy and interface messages. */
export const nl80211Attrs = attrSet('nl80211', {
  wiphy: { id: 1, type: 'u32' },
  wiphyName: { id: 2, type: 'string' },
  ifindex: { id: 3, type: 'u32' },
  ifname: { id: 4, type: 'string' },
  iftype: { id: 5, type: 'u32', enum: nl80211Iftype },
  mac: { id: 6, type: 'mac' },
  wiphyBands: { id: 22, type: 'indexed-array', item: nl80211Band },
  wiphyFreq: { id: 38, type: 'u32' },
  wiphyChannelType: { id: 39, type: 'u32' },
  maxNumScanSsids: { id: 43, type: 'u8' },
  generation: { id: 46, type: 'u32' },
  ssid: { id: 52, type: 'binary' },
  wiphyRetryShort: { id: 61, type: 'u8' },
  wiphyRetryLong: { id: 62, type: 'u8' },
  wiphyFragThreshold: { id: 63, type: 'u32' },
  wiphyRtsThreshold: { id: 64, type: 'u32' },
  use4addr: { id: 83, type: 'u8' },
  wiphyCoverageClass: { id: 89, type: 'u8' },
  wiphyTxPowerLevel: { id: 98, type: 'u32' },
  wdev: { id: 153, type: 'u64' },
  channelWidth: { id: 159, type: 'u32', enum: nl80211ChannelWidth },
  centerFreq1: { id: 160, type: 'u32' },
  centerFreq2: { id: 161, type: 'u32' },
  splitWiphyDump: { id: 174, type: 'flag' },
});

/** nl80211, the wireless configuration family (interfaces, wiphys, stations, scans), as far as it is declared here. */
export const nl80211 = defineGenlFamily({
  name: 'nl80211',
  version: 1,
  enumPrefix: 'NL80211_CMD_',
  mcastGroups: ['config', 'scan', 'regulatory', 'mlme', 'vendor', 'nan', 'testmode'],
  ops: {
    getWiphy: getOp(1, nl80211Attrs, { reply: 3 }),
    getInterface: getOp(5, nl80211Attrs, { reply: 7 }),
  },
  events: {
    newWiphy: event(3, nl80211Attrs, 'config'),
    delWiphy: event(4, nl80211Attrs, 'config'),
    newInterface: event(7, nl80211Attrs, 'config'),
    delInterface: event(8, nl80211Attrs, 'config'),
  },
});
