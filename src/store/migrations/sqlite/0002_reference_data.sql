-- 0002_reference_data: the dictionaries of enumerated values (UI.md 5), editable later.
-- Values are stable ASCII identifiers; labels are what users read.
INSERT INTO dict_items (type, value, label_zh, label_en, tag_type, sort) VALUES
  ('customer_kind', 'company', '单位', 'Organisation', 'primary', 1),
  ('customer_kind', 'person', '个人', 'Individual', 'info', 2),
  ('customer_group', 'government', '政府机关', 'Government', '', 1),
  ('customer_group', 'enterprise', '企业', 'Enterprise', '', 2),
  ('customer_group', 'school', '学校', 'School', '', 3),
  ('customer_group', 'hospital', '医院', 'Hospital', '', 4),
  ('customer_group', 'residential', '住宅小区', 'Residential estate', '', 5),
  ('customer_group', 'commercial', '商业场所', 'Commercial premises', '', 6),
  ('customer_group', 'individual', '个人用户', 'Private owner', '', 7),
  ('customer_group', 'other', '其他', 'Other', '', 99),
  ('product_type', 'surveillance', '监控设备', 'Video surveillance', '', 1),
  ('product_type', 'perimeter_alarm', '周界报警', 'Perimeter alarm', '', 2),
  ('product_type', 'video_intercom', '可视对讲', 'Video intercom', '', 3),
  ('product_type', 'parking', '停车场管理', 'Parking management', '', 4),
  ('product_type', 'access_control', '门禁系统', 'Access control', '', 5),
  ('product_type', 'vehicle', '车辆', 'Vehicles', '', 6),
  ('product_type', 'machinery', '机械设备', 'Machinery', '', 7),
  ('product_type', 'other', '其他', 'Other', '', 99),
  ('key_customer', '1', '重点客户', 'Key customer', 'danger', 1),
  ('key_customer', '0', '普通客户', 'Regular customer', 'info', 2);
