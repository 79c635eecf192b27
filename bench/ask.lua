-- wrk script: POST /v1/ask cycling through a mix of questions (answer, hiragana,
-- out-of-scope, keywords, tenant), as the widget sends them.
local bodies = {
  '{"q":"マイナンバーカードを紛失しました","tenant":"990001"}',
  '{"q":"じどうてあて いつ ふりこまれる"}',
  '{"q":"今日の天気は？","tenant":"990001"}',
  '{"q":"高額療養費 限度額 申請"}',
  '{"q":"会社を辞めたら国民健康保険の手続きはいつまでにすればいいですか"}',
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("POST", "/v1/ask", { ["Content-Type"] = "application/json" }, bodies[(i % #bodies) + 1])
end
