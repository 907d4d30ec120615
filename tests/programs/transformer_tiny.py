"""A tiny Transformer encoder for sequence classification: token and position
embeddings, nn.TransformerEncoderLayer (batch_first), a padding mask, mean pooling,
and one training step; also scaled dot-product attention by hand against
nn.functional.scaled_dot_product_attention."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class TinyTransformer(nn.Module):
    def __init__(self, vocab=10, d_model=8, heads=2, classes=3, max_len=6):
        super().__init__()
        self.tokens = nn.Embedding(vocab, d_model)
        self.positions = nn.Parameter(torch.zeros(1, max_len, d_model))
        layer = nn.TransformerEncoderLayer(d_model, heads, dim_feedforward=16, dropout=0.0,
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, classes)

    def forward(self, ids, padding_mask):
        h = self.tokens(ids) + self.positions[:, :ids.shape[1]]
        h = self.encoder(h, src_key_padding_mask=padding_mask)
        keep = (~padding_mask).unsqueeze(-1).float()
        return self.head((h * keep).sum(1) / keep.sum(1))


model = TinyTransformer()
with torch.no_grad():
    for i, p in enumerate(model.parameters()):
        p.copy_(torch.sin(torch.arange(p.numel()) * 0.37 + i).reshape(p.shape) * 0.2)
print(sum(p.numel() for p in model.parameters()), len(list(model.encoder.layers)))
ids = torch.tensor([[1, 2, 3, 4, 0, 0], [5, 6, 7, 8, 9, 1]])
padding_mask = ids == 0
model.eval()
with torch.no_grad():
    print(model(ids, padding_mask))
model.train()
optimizer = torch.optim.AdamW(model.parameters(), lr=0.01)
for step in range(3):
    loss = F.cross_entropy(model(ids, padding_mask), torch.tensor([0, 2]))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print(f"step {step}: loss {loss.item():.5f}")

q = torch.cos(torch.arange(24.0)).reshape(1, 2, 3, 4)
k = torch.sin(torch.arange(24.0)).reshape(1, 2, 3, 4)
v = torch.arange(24.0).reshape(1, 2, 3, 4) / 10
scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
by_hand = torch.softmax(scores, dim=-1) @ v
print(torch.allclose(by_hand, F.scaled_dot_product_attention(q, k, v), atol=1e-6))
print(F.scaled_dot_product_attention(q, k, v, is_causal=True)[0, 0])
mha = nn.MultiheadAttention(4, 2, batch_first=True)
with torch.no_grad():
    for p in mha.parameters():
        p.copy_(torch.linspace(-0.3, 0.3, p.numel()).reshape(p.shape))
out, weights = mha(q[0], k[0], v[0])
print(out.shape, weights.shape, weights[0])
