"""How a person reads each request field: English and Chinese labels for the 422 messages.

A field path (`contact.name`, `regions.2`) is looked up whole first, then by its last name;
list indexes are skipped. An unknown field is shown as its path.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # organizations and sessions
    "kind": ("Kind", "类型"),
    "name": ("Name", "名称"),
    "credit_code": ("Credit code", "统一社会信用代码"),
    "region": ("Region", "地区"),
    "regions": ("Regions", "适用地区"),
    "industry": ("Industry", "行业"),
    "contact": ("Contact", "联系人"),
    "contact.name": ("Contact name", "联系人姓名"),
    "phone": ("Phone", "电话"),
    "email": ("Email", "电子邮箱"),
    "password": ("Password", "密码"),
    "old_password": ("Current password", "原密码"),
    "new_password": ("New password", "新密码"),
    "login": ("Login name", "登录名"),
    "member_id": ("Member ID", "成员编号"),
    "role": ("Role", "角色"),
    "verified": ("Verified", "认证状态"),
    "approve": ("Approve", "是否通过"),
    # postings and bids
    "side": ("Side", "供需类型"),
    "title": ("Title", "标题"),
    "description": ("Description", "描述"),
    "category": ("Category", "行业类别"),
    "quantity": ("Quantity", "数量"),
    "unit": ("Unit", "单位"),
    "price_min": ("Minimum price", "最低单价"),
    "price_max": ("Maximum price", "最高单价"),
    "currency": ("Currency", "币种"),
    "expires_at": ("Expires at", "截止时间"),
    "unit_price": ("Unit price", "单价"),
    "delivery_days": ("Delivery days", "交货天数"),
    "message": ("Message", "留言"),
    "reason": ("Reason", "原因"),
    "exhibition_id": ("Exhibition", "展会"),
    "owner": ("Owner", "发布方"),
    "q": ("Search text", "搜索内容"),
    "status": ("Status", "状态"),
    # financing and bank products
    "amount": ("Amount", "金额"),
    "amount_min": ("Minimum amount", "最低金额"),
    "amount_max": ("Maximum amount", "最高金额"),
    "term_months": ("Term (months)", "期限（月）"),
    "term_min": ("Minimum term", "最短期限"),
    "term_max": ("Maximum term", "最长期限"),
    "purpose": ("Purpose", "用途"),
    "product_type": ("Product type", "产品类型"),
    "respond_by": ("Respond by", "答复截止日期"),
    "annual_rate": ("Annual rate", "年利率"),
    "rate_min": ("Minimum rate", "最低利率"),
    "rate_max": ("Maximum rate", "最高利率"),
    "conditions": ("Conditions", "附加条件"),
    "valid_until": ("Valid until", "有效期至"),
    "overdue": ("Overdue", "逾期"),
    "bank": ("Bank", "银行"),
    # service hall
    "service_categories": ("Service categories", "服务类别"),
    "pricing": ("Pricing", "收费方式"),
    "price": ("Price", "价格"),
    "response_hours": ("Response time (hours)", "承诺响应时间（小时）"),
    "provider": ("Provider", "服务机构"),
    "product_id": ("Product", "产品"),
    # service requests
    "urgency": ("Urgency", "紧急程度"),
    "provider_id": ("Provider", "服务机构"),
    "note": ("Note", "派单说明"),
    "text": ("Note", "留言内容"),
    "summary": ("Resolution summary", "办结说明"),
    "satisfaction": ("Satisfaction", "满意度"),
    "resolved": ("Resolved", "是否解决"),
    "comment": ("Comment", "评价意见"),
    # exhibitions
    "venue": ("Venue", "地点"),
    "online": ("Online", "线上"),
    "starts_at": ("Starts at", "开始时间"),
    "ends_at": ("Ends at", "结束时间"),
    "capacity": ("Capacity", "展位数"),
    "signup_deadline": ("Signup deadline", "报名截止时间"),
    "attendees": ("Attendees", "参加人数"),
    "attended": ("Attended", "签到人数"),
    "organization_id": ("Organization", "机构"),
    # contracts
    "digest": ("Digest", "合同摘要"),
    # statistics, audit, lists
    "group_by": ("Group by", "分组方式"),
    "from": ("From", "起始日期"),
    "to": ("To", "截止日期"),
    "at": ("At", "时间点"),
    "version": ("Version", "版本"),
    "after": ("After", "起始位置"),
    "first": ("First tree size", "前一树大小"),
    "second": ("Second tree size", "后一树大小"),
    "leaf_index": ("Leaf index", "叶子序号"),
    "tree_size": ("Tree size", "树大小"),
    "limit": ("Limit", "条数"),
    "cursor": ("Cursor", "游标"),
    "sort": ("Order", "排序"),
    "unread": ("Unread only", "仅未读"),
    "action_required": ("To do only", "仅待办"),
    "before_position": ("Up to position", "截至位置"),
    "notification_id": ("Notification", "消息"),
    "min_position": ("Minimum position", "最小位置"),
    "format": ("Format", "格式"),
    "body": ("Request body", "请求内容"),
    # path parameters (exhibition_id and organization_id are above)
    "posting_id": ("Posting ID", "供需信息编号"),
    "bid_id": ("Bid ID", "报价编号"),
    "contract_id": ("Contract ID", "合同编号"),
    "need_id": ("Financing need ID", "融资需求编号"),
    "offer_id": ("Offer ID", "融资报价编号"),
    "stream_id": ("Stream ID", "事件流编号"),
    # policies
    "policy_id": ("Policy ID", "政策编号"),
    "request_id": ("Service request ID", "服务诉求编号"),
    "subscription_id": ("Subscription ID", "订阅编号"),
    "issuer": ("Issuer", "发文机关"),
    "document_number": ("Document number", "文号"),
    "topic": ("Topic", "主题"),
    "topics": ("Topics", "主题"),
    "industries": ("Industries", "适用行业"),
    "effective_from": ("Effective from", "生效日期"),
    "effective_until": ("Effective until", "失效日期"),
    "url": ("Link (URL)", "链接地址"),  # a policy's official text, a webhook's target
    # webhooks
    "kinds": ("Notification kinds", "通知类型"),
    "webhook_id": ("Webhook ID", "回调地址编号"),
    "active": ("In force only", "仅现行有效"),
    # documents
    "file": ("File", "文件"),
    "documents": ("Documents", "附件"),
    "document_id": ("Document ID", "文件编号"),
}


def label(field: str, chinese: bool) -> str:
    """The label of a dotted field path, in the chosen language."""
    names = [part for part in field.split(".") if not part.isdigit()]
    for key in (".".join(names), names[-1] if names else field):
        if key in LABELS:
            en, zh = LABELS[key]
            return zh if chinese else en
    return field


def labels_of(field: str) -> tuple[str, str]:
    """Both labels (English, Chinese) of a field path."""
    return label(field, False), label(field, True)
