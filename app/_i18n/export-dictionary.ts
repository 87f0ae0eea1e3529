// Messages of exports (导出): the menu on every table and view, background jobs; merged into ./dictionaries.ts.

export const exportZhCN = {
  'export.xlsx': '导出 Excel',
  'export.csv': '导出 CSV',
  'export.preparing': '正在准备导出…',
  'export.background': '后台导出中…（{rows} 行）',
  'export.ready': '导出完成，点击下载',
  'export.failed': '导出失败：{message}',
  'export.dismiss': '关闭',
};

export const exportEn: Record<keyof typeof exportZhCN, string> = {
  'export.xlsx': 'Export Excel',
  'export.csv': 'Export CSV',
  'export.preparing': 'Preparing the export…',
  'export.background': 'Exporting in the background… ({rows} rows)',
  'export.ready': 'Export ready — click to download',
  'export.failed': 'Export failed: {message}',
  'export.dismiss': 'Dismiss',
};
